// The raw reading as a Kafka Connect JSON envelope ({schema, payload}), the form producers send
// to readings.raw in Connect mode so the Debezium JDBC sink can land it in raw_readings (a JDBC
// sink needs a schema on every record). Pure: values in, values or bytes out. It must never
// accept an envelope the connector would land differently from what the calibrator reads: a
// schema or payload that is not exactly the published one is INVALID_ENVELOPE, never guessed at.
//
// The plain JSON reading stays valid in every mode; the calibrator tells the two apart by shape
// (an object with exactly the keys `schema` and `payload` is an envelope: a plain reading always
// has sensor_id). The record key is `<sensor_id>|<ts ms>` in both forms.
import { CalibrationError } from './errors.ts';
import { parseIsoInstant } from './iso-time.ts';
import type { ConnectEnvelope, ConnectField, ConnectSchema } from './connect-json.ts';

/** The payload of a raw reading envelope: ts as epoch ms, unknown fields as one JSON text. */
export interface RawReadingEnvelopePayload {
  sensor_id: string;
  ts: number;
  value: number;
  unit: string | null;
  /** The reading's other fields as a JSON object's text (lands in raw_readings.extra, jsonb), or null. */
  extra: string | null;
}

const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
/** Debezium's JSON logical type: the JDBC sink binds it to a jsonb column. */
const JSON_TEXT = 'io.debezium.data.Json';

/** The one schema a raw reading envelope carries (field order as written; matched by name). */
export const rawReadingConnectSchema: ConnectSchema = {
  type: 'struct',
  optional: false,
  name: 'kalibra.RawReading',
  version: 1,
  fields: [
    { field: 'sensor_id', type: 'string', optional: false },
    { field: 'ts', type: 'int64', optional: false, name: TIMESTAMP, version: 1 },
    { field: 'value', type: 'double', optional: false },
    { field: 'unit', type: 'string', optional: true },
    { field: 'extra', type: 'string', optional: true, name: JSON_TEXT, version: 1 },
  ],
};

const FIELDS = new Map<string, ConnectField>(rawReadingConnectSchema.fields!.map((field) => [field.field, field]));
const KNOWN = new Set(['sensor_id', 'ts', 'value', 'unit']);

/** Whether a decoded JSON value has the shape of a Connect JSON envelope (exactly `schema` and `payload`). */
export function isConnectEnvelope(json: unknown): json is { schema: unknown; payload: unknown } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const keys = Object.keys(json);
  return keys.length === 2 && keys.includes('schema') && keys.includes('payload');
}

export type EnvelopeUnwrapResult =
  | { ok: true; reading: Record<string, unknown> }
  | { ok: false; error: CalibrationError };

/**
 * The plain reading inside an envelope: the payload's fields, `extra` spread back into
 * top-level fields. The field rules (MISSING_TS, TS_IN_FUTURE, ...) are then the plain
 * reading's; this only refuses what the connector would read otherwise than the calibrator.
 */
export function unwrapRawReadingEnvelope(envelope: { schema: unknown; payload: unknown }): EnvelopeUnwrapResult {
  const schemaProblem = checkSchema(envelope.schema);
  if (schemaProblem !== undefined) return invalid(`the envelope's schema ${schemaProblem}`);
  const { payload } = envelope;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return invalid('the envelope\'s payload must be a JSON object');
  const fields = payload as Record<string, unknown>;
  const reading: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const field = FIELDS.get(name);
    if (field === undefined) return invalid(`payload field ${JSON.stringify(name.slice(0, 80))} is not in the schema (the connector would drop it)`);
    if (value === null || value === undefined) continue;
    if (!hasType(value, field)) return invalid(`payload field ${name} must be ${typeName(field)}, got ${describe(value)}`);
    if (name !== 'extra') reading[name] = value;
  }
  const extra = fields.extra;
  if (typeof extra === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(extra);
    } catch {
      return invalid('payload field extra must be the text of a JSON object');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return invalid('payload field extra must be the text of a JSON object');
    for (const [name, value] of Object.entries(parsed)) {
      if (KNOWN.has(name)) return invalid(`payload field extra must not hold ${name} (it has its own field)`);
      // defineProperty: a "__proto__" field stays data, as in the plain form.
      Object.defineProperty(reading, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return { ok: true, reading };
}

/**
 * The envelope of a plain reading object, as a producer in Connect mode sends it; undefined
 * when the object cannot be expressed in the schema (no sensor_id string, ts neither ISO-8601
 * with a zone nor integer epoch ms, value not a finite number, unit neither a string nor null):
 * such a reading is bad anyway, and the plain bytes are the honest thing to send.
 */
export function rawReadingEnvelope(reading: Record<string, unknown>): ConnectEnvelope<RawReadingEnvelopePayload> | undefined {
  const { sensor_id: sensorId, ts, value, unit } = reading;
  const tsMs = typeof ts === 'number' ? ts : typeof ts === 'string' ? parseIsoInstant(ts) : undefined;
  if (typeof sensorId !== 'string' || tsMs === undefined || !Number.isSafeInteger(tsMs)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (unit !== undefined && unit !== null && typeof unit !== 'string') return undefined;
  const others = Object.entries(reading).filter(([name]) => !KNOWN.has(name));
  return {
    schema: rawReadingConnectSchema,
    payload: {
      sensor_id: sensorId, ts: tsMs, value, unit: typeof unit === 'string' ? unit : null,
      extra: others.length === 0 ? null : JSON.stringify(Object.fromEntries(others)),
    },
  };
}

/** The envelope's bytes, or undefined as for rawReadingEnvelope. */
export function encodeRawReadingEnvelope(reading: Record<string, unknown>): Buffer | undefined {
  const envelope = rawReadingEnvelope(reading);
  return envelope === undefined ? undefined : Buffer.from(JSON.stringify(envelope), 'utf8');
}

/** Why a schema is not the raw reading's, or undefined when it is. Field order and `version` do not matter. */
function checkSchema(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'must be a JSON object';
  const { type, fields } = schema as { type?: unknown; fields?: unknown };
  if (type !== 'struct' || !Array.isArray(fields)) return 'must be a struct with fields';
  const seen = new Set<string>();
  for (const given of fields as unknown[]) {
    const { field: name, type: fieldType, name: logical } = (given ?? {}) as { field?: unknown; type?: unknown; name?: unknown };
    const ours = typeof name === 'string' ? FIELDS.get(name) : undefined;
    if (ours === undefined) return `has a field ${describe(name)} that raw_readings has no column for`;
    if (seen.has(ours.field)) return `names field ${ours.field} twice`;
    seen.add(ours.field);
    if (fieldType !== ours.type || (logical ?? undefined) !== ours.name) return `must declare ${ours.field} as ${typeName(ours)}`;
  }
  for (const field of FIELDS.values()) {
    if (!field.optional && !seen.has(field.field)) return `lacks the field ${field.field}`;
  }
  return undefined;
}

function hasType(value: unknown, field: ConnectField): boolean {
  switch (field.type) {
    case 'string': return typeof value === 'string';
    case 'int64': return typeof value === 'number' && Number.isSafeInteger(value);
    case 'double': return typeof value === 'number';
    default: return false;
  }
}

function typeName(field: ConnectField): string {
  return field.name === undefined ? field.type : `${field.type} (${field.name})`;
}

function invalid(message: string): EnvelopeUnwrapResult {
  return { ok: false, error: new CalibrationError('INVALID_ENVELOPE', message) };
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : value !== null && typeof value === 'object' ? 'an object' : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What a producer sends to readings.raw: the plain JSON reading, or (Connect mode) its Connect JSON envelope. */
export const RawFormats = ['json', 'connect-json'] as const;
export type RawFormat = (typeof RawFormats)[number];

/**
 * A raw record value in `format`: in connect-json, a JSON object that can be expressed in the
 * envelope is wrapped; anything else (not JSON, not an object, a reading the schema cannot
 * express) is sent as it is, and both the connector and the calibrator dead-letter it.
 */
export function rawValueIn(format: RawFormat, value: string): Buffer {
  if (format === 'connect-json') {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      json = undefined;
    }
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const envelope = encodeRawReadingEnvelope(json as Record<string, unknown>);
      if (envelope !== undefined) return envelope;
    }
  }
  return Buffer.from(value, 'utf8');
}
