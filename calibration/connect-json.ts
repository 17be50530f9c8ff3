// Writes a calibrated reading (docs/architecture.md#messages) as Kafka Connect JSON,
// the {schema, payload} envelope that Connect's JsonConverter reads with schemas.enable=true,
// so the Debezium JDBC sink can land readings.calibrated in calibrated_readings unchanged.
// Pure: values in, bytes out. It must never emit a record the sink would misread: a bad
// timestamp or a non-finite number is a SERIALIZATION_FAILED error naming the field, never a
// silent null. The Serde wrappers are in connect-json-serde.ts.
//
// The key is Connect JSON too ({sensor_id, ts}), because the sink takes the primary key from
// the record key (primary.key.mode=record_key), which is what lets a tombstone delete its row.
// It is deterministic (same reading, same bytes), so compaction still keeps one record per
// reading. It is not the `<sensor_id>|<epoch ms>` key of the kalibra format: partition it
// with javaCompatiblePartitioner(connectJsonSensorPart) to keep a sensor on one partition.
import { CoreError } from '../topology/index.ts';

/** The calibrated reading as docs/architecture.md#messages defines it (the readings.calibrated JSON). */
export interface CalibratedReadingMessage {
  sensor_id: string;
  /** ISO-8601 with a zone, or epoch milliseconds. */
  ts: string | number;
  raw_value: number;
  /** null when status is out_of_range. */
  value: number | null;
  unit: string | null;
  status: string;
  /** null when no profile covers the reading (uncalibrated). */
  profile: string | null;
  calibrated_at: string | number;
}

/** A Kafka Connect schema, as JsonConverter writes and reads it. */
export interface ConnectSchema {
  type: 'struct' | 'string' | 'int64' | 'double';
  optional: boolean;
  name?: string;
  version?: number;
  fields?: ConnectField[];
}

export interface ConnectField extends ConnectSchema {
  field: string;
}

export interface ConnectEnvelope<P> {
  schema: ConnectSchema;
  payload: P;
}

/** The key payload: the table's primary key, ts as epoch milliseconds. */
export interface CalibratedKeyPayload {
  sensor_id: string;
  ts: number;
}

/** The value payload: every column of calibrated_readings, timestamps as epoch milliseconds. */
export interface CalibratedValuePayload {
  sensor_id: string;
  ts: number;
  raw_value: number;
  value: number | null;
  unit: string | null;
  status: string;
  profile: string | null;
  calibrated_at: number;
}

// Connect's logical Timestamp: int64 epoch milliseconds, which the JDBC sink binds as a
// timestamp (the worker JVM must run in UTC for the instant to land right; see
// connectors/kafka-connect/README.md).
const timestamp = (field: string): ConnectField =>
  ({ field, type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 });

export const calibratedKeySchema: ConnectSchema = {
  type: 'struct',
  optional: false,
  name: 'kalibra.CalibratedReadingKey',
  version: 1,
  fields: [
    { field: 'sensor_id', type: 'string', optional: false },
    timestamp('ts'),
  ],
};

export const calibratedValueSchema: ConnectSchema = {
  type: 'struct',
  optional: false,
  name: 'kalibra.CalibratedReading',
  version: 1,
  fields: [
    { field: 'sensor_id', type: 'string', optional: false },
    timestamp('ts'),
    { field: 'raw_value', type: 'double', optional: false },
    { field: 'value', type: 'double', optional: true },
    { field: 'unit', type: 'string', optional: true },
    { field: 'status', type: 'string', optional: false },
    { field: 'profile', type: 'string', optional: true },
    timestamp('calibrated_at'),
  ],
};

/** The Connect JSON key of a reading (also the key of its tombstone). */
export function connectJsonKey(sensorId: string, ts: string | number): ConnectEnvelope<CalibratedKeyPayload> {
  return {
    schema: calibratedKeySchema,
    payload: { sensor_id: requireText(sensorId, 'sensor_id'), ts: epochMillis(ts, 'ts') },
  };
}

/** The Connect JSON value of a reading. */
export function connectJsonValue(reading: CalibratedReadingMessage): ConnectEnvelope<CalibratedValuePayload> {
  return {
    schema: calibratedValueSchema,
    payload: {
      sensor_id: requireText(reading.sensor_id, 'sensor_id'),
      ts: epochMillis(reading.ts, 'ts'),
      raw_value: finite(reading.raw_value, 'raw_value'),
      value: reading.value === null ? null : finite(reading.value, 'value'),
      unit: reading.unit === null ? null : requireText(reading.unit, 'unit'),
      status: requireText(reading.status, 'status'),
      profile: reading.profile === null ? null : requireText(reading.profile, 'profile'),
      calibrated_at: epochMillis(reading.calibrated_at, 'calibrated_at'),
    },
  };
}

/** Key and value bytes of a reading in Connect JSON. */
export function encodeConnectJson(reading: CalibratedReadingMessage): { key: Buffer; value: Buffer } {
  return {
    key: Buffer.from(JSON.stringify(connectJsonKey(reading.sensor_id, reading.ts)), 'utf8'),
    value: Buffer.from(JSON.stringify(connectJsonValue(reading)), 'utf8'),
  };
}

/** The key bytes of the tombstone that deletes the reading (sensor_id, ts) downstream. */
export function encodeConnectJsonTombstoneKey(sensorId: string, ts: string | number): Buffer {
  return Buffer.from(JSON.stringify(connectJsonKey(sensorId, ts)), 'utf8');
}

/**
 * The sensor_id bytes of a Connect JSON key, for javaCompatiblePartitioner(): hashing them
 * puts a sensor's readings on the same partition as the kalibra key's sensor part does.
 * A key that is not a Connect JSON reading key is hashed whole.
 */
export function connectJsonSensorPart(key: Buffer): Buffer {
  try {
    const parsed = JSON.parse(key.toString('utf8')) as { payload?: { sensor_id?: unknown } } | null;
    const sensorId = parsed?.payload?.sensor_id;
    return typeof sensorId === 'string' ? Buffer.from(sensorId, 'utf8') : key;
  } catch {
    return key;
  }
}

function invalid(field: string, why: string): CoreError {
  return new CoreError('SERIALIZATION_FAILED', `connect-json: ${field} ${why}`);
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string');
  return value;
}

function finite(value: unknown, field: string): number {
  // JSON.stringify writes NaN and Infinity as null, which the sink would take for "no value".
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, `must be a finite number, got ${String(value)}`);
  return value;
}

// Connect's Timestamp has millisecond precision: a finer ISO timestamp would be truncated
// here and land as a different instant than the TypeScript sink writes, so it is refused.
const isoWithZone = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function epochMillis(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid(field, `must be integer epoch milliseconds, got ${String(value)}`);
    return value;
  }
  const match = typeof value === 'string' ? isoWithZone.exec(value) : null;
  if (match === null) {
    throw invalid(field, `must be ISO-8601 with a zone and at most millisecond precision, or epoch milliseconds, got ${JSON.stringify(value)}`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.parse rolls 2026-02-30 over into March; a reading's timestamp must not move.
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day
    || local.getUTCHours() !== hour || local.getUTCMinutes() !== minute || local.getUTCSeconds() !== second) {
    throw invalid(field, `is not a calendar date and time: ${String(value)}`);
  }
  const offsetMinutes = match[8] === undefined ? 0 : (match[8] === '-' ? -1 : 1) * (Number(match[9]) * 60 + Number(match[10]));
  return local.getTime() - offsetMinutes * 60_000;
}
