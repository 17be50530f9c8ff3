// UTF-8 strings. Null bytes are rejected (see serde.ts); malformed UTF-8 is an error: it
// must never be decoded to U+FFFD and passed on as if it were the text that was sent.
import { CoreError } from '../errors.ts';
import { decodeUtf8, nullBytesError, nullValueError } from './serde.ts';
import type { Serde } from './serde.ts';

const LONE_SURROGATE = /\p{Surrogate}/u;

export function stringSerde(): Serde<string> {
  return {
    name: 'string',
    serialize(value, topic) {
      if (typeof value !== 'string') throw nullValueError('string', topic);
      // Buffer.from would write a lone surrogate as U+FFFD: refuse rather than alter the text.
      if (LONE_SURROGATE.test(value)) {
        throw new CoreError('SERIALIZATION_FAILED', `string serde got a string with a lone UTF-16 surrogate for ${topic}; it has no UTF-8 form`);
      }
      return Buffer.from(value, 'utf8');
    },
    deserialize(bytes, topic) {
      if (bytes === null) throw nullBytesError('string', topic);
      return decodeUtf8(bytes, 'string', topic);
    },
  };
}
