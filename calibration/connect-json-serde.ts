// Serdes for the `connect-json` output format of readings.calibrated: the key and value of a
// calibrated reading as Kafka Connect JSON (connect-json.ts), for `to(topic, { keySerde,
// valueSerde })`. Reading back accepts only what connect-json.ts writes (the same schema,
// field for field), so a record from another producer is an error, never a guessed reading.
// Tombstones: wrap the value serde in nullableSerde().
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { CoreError, decodeUtf8, nullBytesError, nullValueError } from '../topology/index.ts';
import type { Serde } from '../topology/index.ts';
import { calibratedKeySchema, calibratedValueSchema, connectJsonKey, connectJsonValue } from './connect-json.ts';
import type { CalibratedReadingMessage, ConnectSchema } from './connect-json.ts';

/** The primary key of a calibrated reading; decoded keys carry ts as ISO-8601 UTC. */
export interface CalibratedReadingKey {
  sensor_id: string;
  ts: string | number;
}

const epochMs = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

const keyPayload = z.strictObject({ sensor_id: z.string().min(1), ts: epochMs });

const valuePayload = z.strictObject({
  sensor_id: z.string().min(1),
  ts: epochMs,
  raw_value: z.number(),
  value: z.number().nullable(),
  unit: z.string().min(1).nullable(),
  status: z.string().min(1),
  profile: z.string().min(1).nullable(),
  calibrated_at: epochMs,
});

const iso = (ms: number): string => new Date(ms).toISOString();

export function connectJsonKeySerde(): Serde<CalibratedReadingKey> {
  const name = 'connect-json(key)';
  return {
    name,
    serialize(key, topic) {
      if (key === null || key === undefined) throw nullValueError(name, topic);
      return Buffer.from(JSON.stringify(connectJsonKey(key.sensor_id, key.ts)), 'utf8');
    },
    deserialize(bytes, topic) {
      const payload = keyPayload.safeParse(envelopePayload(bytes, calibratedKeySchema, name, topic));
      if (!payload.success) throw rejected(name, topic, payload.error);
      return { sensor_id: payload.data.sensor_id, ts: iso(payload.data.ts) };
    },
  };
}

export function connectJsonValueSerde(): Serde<CalibratedReadingMessage> {
  const name = 'connect-json(value)';
  return {
    name,
    serialize(reading, topic) {
      if (reading === null || reading === undefined) throw nullValueError(name, topic);
      return Buffer.from(JSON.stringify(connectJsonValue(reading)), 'utf8');
    },
    deserialize(bytes, topic) {
      const payload = valuePayload.safeParse(envelopePayload(bytes, calibratedValueSchema, name, topic));
      if (!payload.success) throw rejected(name, topic, payload.error);
      return { ...payload.data, ts: iso(payload.data.ts), calibrated_at: iso(payload.data.calibrated_at) };
    },
  };
}

function envelopePayload(bytes: Buffer | null, schema: ConnectSchema, name: string, topic: string): unknown {
  if (bytes === null) throw nullBytesError(name, topic);
  let envelope: unknown;
  try {
    envelope = JSON.parse(decodeUtf8(bytes, name, topic));
  } catch (cause) {
    if (cause instanceof CoreError) throw cause;
    throw new CoreError('DESERIALIZATION_FAILED', `${name} serde got invalid JSON on ${topic}`, { cause });
  }
  if (typeof envelope !== 'object' || envelope === null || !('schema' in envelope) || !('payload' in envelope)) {
    throw new CoreError('VALIDATION_FAILED', `${name} serde expects a Connect JSON {schema, payload} envelope on ${topic}`);
  }
  if (!isDeepStrictEqual(envelope.schema, schema)) {
    throw new CoreError('VALIDATION_FAILED', `${name} serde expects the schema ${schema.name ?? ''} v${schema.version ?? '?'} on ${topic}; the record has another schema`);
  }
  return envelope.payload;
}

function rejected(name: string, topic: string, error: z.ZodError): CoreError {
  const issues = error.issues.map((issue) => `${issue.path.length === 0 ? '(payload)' : issue.path.map(String).join('.')}: ${issue.message}`);
  return new CoreError('VALIDATION_FAILED', `${name} serde rejected a payload on ${topic}: ${issues.join('; ')}`, { cause: error });
}
