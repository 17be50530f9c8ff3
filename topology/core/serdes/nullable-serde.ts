// Makes null explicit: null bytes <-> null, everything else goes to the wrapped serde. Use
// it for a value serde when tombstones must flow through the topology (e.g. a delete that
// has to reach a compacted output topic), or for a key serde of an unkeyed topic. It never
// turns anything else into null.
import type { Serde } from './serde.ts';

export function nullableSerde<T>(serde: Serde<T>): Serde<T | null> {
  return {
    name: `nullable(${serde.name})`,
    serialize: (value, topic) => (value === null ? null : serde.serialize(value, topic)),
    deserialize: (bytes, topic) => (bytes === null ? null : serde.deserialize(bytes, topic)),
  };
}
