// Raw bytes, passed through untouched: for topics a topology only routes, never reads. It
// never copies: the Buffer handed out is the one consumed.
import { nullBytesError, nullValueError } from './serde.ts';
import type { Serde } from './serde.ts';

export function bytesSerde(): Serde<Buffer> {
  return {
    name: 'bytes',
    serialize(value, topic) {
      if (!Buffer.isBuffer(value)) throw nullValueError('bytes', topic);
      return value;
    },
    deserialize(bytes, topic) {
      if (bytes === null) throw nullBytesError('bytes', topic);
      return bytes;
    },
  };
}
