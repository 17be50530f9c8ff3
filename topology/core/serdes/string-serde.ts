// UTF-8 strings. Null bytes are rejected (see serde.ts); malformed UTF-8 is an error: it
// must never be decoded to U+FFFD and passed on as if it were the text that was sent.
import { decodeUtf8, nullBytesError, nullValueError } from './serde.js';
import type { Serde } from './serde.js';

export function stringSerde(): Serde<string> {
  return {
    name: 'string',
    serialize(value, topic) {
      if (typeof value !== 'string') throw nullValueError('string', topic);
      return Buffer.from(value, 'utf8');
    },
    deserialize(bytes, topic) {
      if (bytes === null) throw nullBytesError('string', topic);
      return decodeUtf8(bytes, 'string', topic);
    },
  };
}
