// Parses and validates the bytes of one raw reading (a readings.raw record value) into a
// typed reading, or names the one reason it is bad with a DLQ code. Pure: `now` is passed
// in. It must never throw on any input: bad input goes to the DLQ, it never stops the
// calibrator.
import { CalibrationError } from './errors.ts';
import { parseIsoInstant } from './iso-time.ts';
import type { ReadingErrorCode } from './errors.ts';
import { SENSOR_ID_PATTERN, UNIT_PATTERN } from './profile-schema.ts';
import { parseReadingKey, readingKey } from '../contract/reading-key.ts';

export interface RawReading {
  sensorId: string;
  /** Epoch ms. */
  ts: number;
  value: number;
  /** null when the producer did not say; the profile's input unit is then assumed. */
  unit: string | null;
  /** Every other field of the JSON object, kept for raw_readings.extra. */
  extra: Record<string, unknown>;
}

export type ReadingParseResult =
  | { ok: true; reading: RawReading }
  | { ok: false; error: CalibrationError };

export interface ReadingParseOptions {
  /** Wall-clock now, epoch ms: readings more than a day after it are rejected. */
  now: number;
  /**
   * The record key. When given (Buffer or null), it must be `<sensor_id>|<epoch ms>` and
   * agree with the value; undefined skips the check (e.g. for a value seen on its own).
   */
  key?: Buffer | null;
}

export const MAX_READING_BYTES = 64 * 1024;
export const EARLIEST_TS = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const KNOWN_FIELDS = new Set(['sensor_id', 'ts', 'value', 'unit']);
const NON_FINITE_SPELLINGS = new Set(['nan', '+nan', '-nan', 'infinity', '+infinity', '-infinity', 'inf', '+inf', '-inf']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseRawReading(bytes: Buffer, options: ReadingParseOptions): ReadingParseResult {
  if (bytes.length > MAX_READING_BYTES) return fail('TOO_LARGE', `reading is ${bytes.length} bytes, over the ${MAX_READING_BYTES}-byte limit`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('INVALID_ENCODING', 'reading is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('NOT_JSON', `reading is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail('NOT_AN_OBJECT', `reading must be a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  }
  const duplicate = duplicateKey(text);
  if (duplicate !== undefined) {
    return fail('DUPLICATE_KEY', `reading has the key ${describe(duplicate)} twice in one object; which one is meant is unknowable`);
  }
  const object = json as Record<string, unknown>;

  const sensorId = object.sensor_id;
  if (sensorId === undefined || sensorId === null || sensorId === '') return fail('MISSING_SENSOR_ID', 'sensor_id is missing');
  if (typeof sensorId !== 'string' || !SENSOR_ID_PATTERN.test(sensorId)) {
    return fail('INVALID_SENSOR_ID', `sensor_id must be 1-128 characters of A-Z a-z 0-9 . _ -, got ${describe(sensorId)}`);
  }

  if (object.ts === undefined || object.ts === null) return fail('MISSING_TS', 'ts is missing');
  const ts = parseTs(object.ts);
  if (ts === undefined) return fail('INVALID_TS', `ts must be ISO-8601 with a zone or integer epoch milliseconds, got ${describe(object.ts)}`);
  if (ts < EARLIEST_TS) return fail('TS_TOO_OLD', `ts ${describe(object.ts)} is before 2000-01-01T00:00:00Z`);
  if (ts > options.now + MAX_FUTURE_MS) return fail('TS_IN_FUTURE', `ts ${describe(object.ts)} is more than a day after now (${new Date(options.now).toISOString()})`);

  const value = object.value;
  if (value === undefined || value === null) return fail('MISSING_VALUE', 'value is missing');
  if (typeof value === 'string' && NON_FINITE_SPELLINGS.has(value.trim().toLowerCase())) {
    return fail('INVALID_VALUE', `value must be a finite number, got ${describe(value)}`);
  }
  if (typeof value !== 'number') return fail('VALUE_NOT_NUMBER', `value must be a number, got ${describe(value)}`);
  // JSON.parse turns 1e400 into Infinity.
  if (!Number.isFinite(value)) return fail('INVALID_VALUE', 'value must be a finite number (the exponent is too large for a double)');

  const unit = object.unit;
  if (unit !== undefined && unit !== null && (typeof unit !== 'string' || !UNIT_PATTERN.test(unit))) {
    return fail('INVALID_UNIT', `unit must be 1-32 characters of A-Z a-z 0-9 _ % ° µ . / -, got ${describe(unit)}`);
  }

  if (options.key !== undefined) {
    const keyError = checkKey(options.key, sensorId, ts);
    if (keyError !== undefined) return { ok: false, error: keyError };
  }

  // fromEntries defines properties, so a "__proto__" field is kept as data, never as a prototype.
  const extra = Object.fromEntries(Object.entries(object).filter(([name]) => !KNOWN_FIELDS.has(name)));
  return { ok: true, reading: { sensorId, ts, value, unit: typeof unit === 'string' ? unit : null, extra } };
}

/**
 * The first key that appears twice in one object of `text`, which JSON.parse has accepted
 * (it keeps the last silently). A scan over the text, not a second parse: it tracks only the
 * keys of the objects it is inside, and decodes a key only when it has an escape.
 */
export function duplicateKey(text: string): string | undefined {
  // One entry per open object (its keys so far) or array (null).
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // "
      const start = i;
      let escaped = false;
      for (i += 1; i < text.length && text.charCodeAt(i) !== 0x22; i += 1) {
        if (text.charCodeAt(i) === 0x5c) { // \ skips the escaped character
          escaped = true;
          i += 1;
        }
      }
      const keys = open[open.length - 1];
      if (keyNext && keys) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (keys.has(key)) return key;
        keys.add(key);
        keyNext = false;
      }
    } else if (c === 0x7b) { // {
      open.push(new Set());
      keyNext = true;
    } else if (c === 0x5b) { // [
      open.push(null);
      keyNext = false;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      open.pop();
    } else if (c === 0x2c) { // ,
      keyNext = open[open.length - 1] !== null && open.length > 0;
    }
  }
  return undefined;
}

function parseTs(ts: unknown): number | undefined {
  if (typeof ts === 'number') return Number.isSafeInteger(ts) ? ts : undefined;
  // A zone is required: without one the reading would be read in the server's zone.
  return typeof ts === 'string' ? parseIsoInstant(ts) : undefined;
}

function checkKey(key: Buffer | null, sensorId: string, ts: number): CalibrationError | undefined {
  if (key === null || key.length === 0) return new CalibrationError('MISSING_KEY', 'the record has no key');
  const text = key.toString('utf8');
  const parsed = parseReadingKey(text);
  if (parsed === undefined || !Number.isSafeInteger(parsed.tsMs)) {
    return new CalibrationError('INVALID_KEY', `the key must be <sensor_id>|<epoch ms>, got ${describe(text)}`);
  }
  if (parsed.sensorId !== sensorId || parsed.tsMs !== ts) {
    return new CalibrationError('KEY_MISMATCH', `the key ${describe(text)} does not match the reading (expected "${readingKey(sensorId, ts)}")`);
  }
  return undefined;
}

function fail(code: ReadingErrorCode, message: string): ReadingParseResult {
  return { ok: false, error: new CalibrationError(code, message) };
}

/** A short, safe rendering of an offending value for an error message. */
function describe(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (Array.isArray(value)) text = 'an array';
  else if (value !== null && typeof value === 'object') text = 'an object';
  else text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
