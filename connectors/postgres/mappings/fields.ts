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

const DIGIT_0 = 48;
const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by the `length` ASCII digits of `text` at `from`, or -1. */
function digits(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * True when `value` already is what toISOString() would make of it: `YYYY-MM-DDTHH:MM:SS.sssZ`
 * naming a real instant in years 1 to 9999. Every calibrated reading's timestamps are written so;
 * they are then passed on as they are, without a regex, a Date.parse and a toISOString. Anything
 * else (another zone, no milliseconds, 24:00, February 30) goes the general way.
 */
function isCanonicalTimestamp(value: string): boolean {
  if (value.length !== 24 || value.charCodeAt(23) !== 90 /* Z */ || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45
    || value.charCodeAt(10) !== 84 /* T */ || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58 || value.charCodeAt(19) !== 46) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > daysInMonth[month - 1]! + (leap ? 1 : 0)) return false;
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && digits(value, 20, 3) >= 0;
}

/** The timestamp as the ISO string the writers send to Postgres (millisecond precision). */
export function requiredTimestamp(object: JsonObject, field: string): string {
  const value = object[field];
  if (typeof value === 'string' && isCanonicalTimestamp(value)) return value;
  return new Date(timestampMs(value, field)).toISOString();
}

export function optionalTimestamp(object: JsonObject, field: string): string | null {
  const value = object[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && isCanonicalTimestamp(value)) return value;
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
