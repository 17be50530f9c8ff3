// Field parsers shared by the mappings: each returns the value or throws a SinkError that
// names the field, so a DLQ entry says exactly what was wrong. Never coerces silently
// (a string "21.5" is not a number).
import { parseReadingKey } from '../../../contract/reading-key.ts';
import { SinkError } from '../errors.ts';

/** Values over this size are dead-lettered, as the calibrator does (docs/architecture.md#messages). */
export const MAX_VALUE_BYTES = 64 * 1024;

// 0001-01-01 .. 9999-12-31: what both JavaScript's ISO format and Postgres accept.
const MIN_TS_MS = -62_135_596_800_000;
const MAX_TS_MS = 253_402_300_799_999;
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export type JsonObject = Record<string, unknown>;

export function parseObject(value: Buffer): JsonObject {
  if (value.length > MAX_VALUE_BYTES) {
    throw new SinkError('RECORD_TOO_LARGE', `value is ${value.length} bytes, over the limit of ${MAX_VALUE_BYTES}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new SinkError('RECORD_NOT_JSON', `value is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SinkError('RECORD_NOT_JSON', 'value is JSON but not an object');
  }
  return parsed as JsonObject;
}

function invalid(field: string, expected: string, got: unknown): SinkError {
  return new SinkError('RECORD_INVALID_FIELD', `${field} must be ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`);
}

function unstorable(field: string, why: string): SinkError {
  return new SinkError('RECORD_UNSTORABLE', `${field} cannot be stored by Postgres: ${why}`);
}

// Postgres text and jsonb cannot hold U+0000: without this check the row would reach the
// database and be refused there (found by splitting the batch, at a cost of a few round trips).
function withoutNul(value: string, field: string): string {
  if (value.includes('\u0000')) throw unstorable(field, 'it contains U+0000');
  return value;
}

// A UTF-16 surrogate without its partner: JSON.parse accepts "\ud800", JSON.stringify writes it
// back as that escape, and jsonb refuses it (22P02). In text the driver would store U+FFFD.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Throws RECORD_UNSTORABLE when a string meant for jsonb holds U+0000 or a lone surrogate. */
function jsonbString(value: string, field: string): void {
  withoutNul(value, field);
  if (loneSurrogate.test(value)) throw unstorable(field, 'it contains a lone UTF-16 surrogate');
}

export function requiredString(object: JsonObject, field: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'a non-empty string', value);
  return withoutNul(value, field);
}

export function optionalString(object: JsonObject, field: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(field, 'a string or null', value);
  return withoutNul(value, field);
}

/** Unknown fields as jsonb text, or null when there are none. */
export function extraJson(extra: JsonObject): string | null {
  if (Object.keys(extra).length === 0) return null;
  return JSON.stringify(extra, (key, value: unknown) => {
    jsonbString(key, `extra field name ${JSON.stringify(key)}`);
    if (typeof value === 'string') jsonbString(value, `extra field ${JSON.stringify(key)}`);
    return value;
  });
}

export function requiredNumber(object: JsonObject, field: string): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'a finite number', value);
  return value;
}

export function optionalNumber(object: JsonObject, field: string): number | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'a finite number or null', value);
  return value;
}

/** Epoch milliseconds of an ISO-8601 string with a zone, or of an integer epoch-ms number. */
export function timestampMs(value: unknown, field: string): number {
  let ms: number;
  if (typeof value === 'number' && Number.isSafeInteger(value)) ms = value;
  else if (typeof value === 'string' && isoTimestamp.test(value)) ms = Date.parse(value);
  else throw invalid(field, 'an ISO-8601 timestamp with a zone or integer epoch milliseconds', value);
  if (!Number.isFinite(ms) || ms < MIN_TS_MS || ms > MAX_TS_MS) throw invalid(field, 'a date between years 1 and 9999', value);
  return ms;
}

/** The timestamp as the ISO string the writers send to Postgres (millisecond precision). */
export function requiredTimestamp(object: JsonObject, field: string): string {
  return new Date(timestampMs(object[field], field)).toISOString();
}

export function optionalTimestamp(object: JsonObject, field: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  return new Date(timestampMs(value, field)).toISOString();
}

/** The record key `<sensor_id>|<ts as epoch ms>` (contract/reading-key.ts) with ts as the ISO string the writers send. */
export function readingKeyFields(key: Buffer | null): { sensorId: string; ts: string } {
  const parsed = parseReadingKey(key);
  if (parsed === undefined) {
    throw new SinkError('RECORD_INVALID_KEY', `key must be <sensor_id>|<epoch ms>, got ${JSON.stringify(key?.toString('utf8') ?? '')}`);
  }
  return { sensorId: parsed.sensorId, ts: new Date(timestampMs(parsed.tsMs, 'key ts')).toISOString() };
}
