// JSON values, optionally validated by a zod (v4) schema. Decoding checks UTF-8, then JSON
// syntax (DESERIALIZATION_FAILED), then the schema (VALIDATION_FAILED, naming each failing
// field). Encoding does not re-validate: the types already say what may be written, and a
// schema with transforms would not round-trip.
import { safeParse } from 'zod/v4/core';
import type { $ZodType, output } from 'zod/v4/core';
import { CoreError } from '../errors.ts';
import { decodeUtf8, nullBytesError, nullValueError } from './serde.ts';
import type { Serde } from './serde.ts';

/** Untyped JSON: the value is `unknown` until something checks it. */
export function jsonSerde(): Serde<unknown>;
/** JSON checked by `schema`; the value has the schema's output type. */
export function jsonSerde<S extends $ZodType>(schema: S): Serde<output<S>>;
export function jsonSerde(schema?: $ZodType): Serde<unknown> {
  const name = schema === undefined ? 'json' : 'json(schema)';
  return {
    name,
    serialize(value, topic) {
      if (value === null || value === undefined) throw nullValueError(name, topic);
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (cause) {
        throw new CoreError('SERIALIZATION_FAILED', `${name} serde could not encode a value for ${topic}`, { cause });
      }
      // JSON.stringify answers undefined for functions and symbols instead of throwing.
      if (text === undefined) {
        throw new CoreError('SERIALIZATION_FAILED', `${name} serde cannot encode a ${typeof value} for ${topic}`);
      }
      return Buffer.from(text, 'utf8');
    },
    deserialize(bytes, topic) {
      if (bytes === null) throw nullBytesError(name, topic);
      const text = decodeUtf8(bytes, name, topic);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (cause) {
        throw new CoreError('DESERIALIZATION_FAILED', `${name} serde got invalid JSON on ${topic}: ${describeCause(cause)}`, { cause });
      }
      if (schema === undefined) return parsed;
      const result = safeParse(schema, parsed);
      if (result.success) return result.data;
      const issues = result.error.issues.map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`);
      throw new CoreError('VALIDATION_FAILED', `${name} serde rejected a value on ${topic}: ${issues.join('; ')}`, { cause: result.error });
    },
  };
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
