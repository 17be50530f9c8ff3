// What a serde is: bytes <-> a typed value for one topic. Pure: no I/O, no state. Errors are
// CoreErrors (DESERIALIZATION_FAILED, VALIDATION_FAILED, SERIALIZATION_FAILED) so the task
// can dead-letter the record; a serde must never return a half-decoded value.
//
// Null is explicit. Kafka uses null bytes for a tombstone value or a missing key. A serde
// built here rejects null (null bytes are a DESERIALIZATION_FAILED error) unless it is
// wrapped in nullableSerde(), whose type then says `T | null`. So a stream whose value serde
// is not nullable never sees a tombstone: it is dead-lettered, loudly, instead of reaching
// code that does not expect it.
import { CoreError } from '../errors.ts';

/** The writing half: what `to()` and the test driver's input topics need. */
export interface Serializer<T> {
  /** Shown by describe() and in error messages, e.g. `json(schema)`. */
  readonly name: string;
  serialize(value: T, topic: string): Buffer | null;
}

/** The reading half: what `stream()` and the test driver's output topics need. */
export interface Deserializer<T> {
  readonly name: string;
  deserialize(bytes: Buffer | null, topic: string): T;
}

export interface Serde<T> extends Serializer<T>, Deserializer<T> {}

/** The error a non-nullable serde raises for null bytes. */
export function nullBytesError(serde: string, topic: string): CoreError {
  return new CoreError(
    'DESERIALIZATION_FAILED',
    `${serde} serde got null bytes (a tombstone or a missing key) on ${topic}; wrap it in nullableSerde() to accept null`,
  );
}

/** The error a non-nullable serde raises for a null value. */
export function nullValueError(serde: string, topic: string): CoreError {
  return new CoreError(
    'SERIALIZATION_FAILED',
    `${serde} serde got null for ${topic}; wrap it in nullableSerde() to write null (a tombstone)`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8: malformed bytes are an error, never U+FFFD silently. */
export function decodeUtf8(bytes: Buffer, serde: string, topic: string): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new CoreError('DESERIALIZATION_FAILED', `${serde} serde got bytes that are not valid UTF-8 on ${topic}`, { cause });
  }
}
