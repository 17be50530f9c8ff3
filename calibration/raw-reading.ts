// Parses and validates the bytes of one raw reading (a readings.raw record value) into a
// typed reading, or names the one reason it is bad with a DLQ code. Pure: `now` is passed
// in. It must never throw on any input: bad input goes to the DLQ, it never stops the
// calibrator.
//
// The rules are declared once, in `rawReadingFields`: per field its zod schema (the
// structure) and its ordered checks, each naming the DLQ code it reports. The validator runs
// those checks; contract/specs/raw-reading.schema.json is generated from the same schemas
// (dev/contract-specs.ts), so the published contract and the validator cannot drift. What a
// JSON Schema cannot say (the bytes, the time window against `now`, the record key) is the
// document and key rules below, and the schema's description states them. A reading may also
// come wrapped in a Kafka Connect JSON envelope (Connect mode, raw-reading-envelope.ts): it is
// unwrapped first, and then judged by the same rules.
import { z } from 'zod';
import { CalibrationError } from './errors.ts';
import { ISO_INSTANT_PATTERN, parseIsoInstant } from './iso-time.ts';
import type { ReadingErrorCode } from './errors.ts';
import { SENSOR_ID_PATTERN, UNIT_PATTERN } from './profile-schema.ts';
import { parseReadingKey, readingKey } from '../contract/reading-key.ts';
import { isConnectEnvelope, unwrapRawReadingEnvelope } from './raw-reading-envelope.ts';

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
export const MAX_UNIT_LENGTH = 32;
const NON_FINITE_SPELLINGS = new Set(['nan', '+nan', '-nan', 'infinity', '+infinity', '-infinity', 'inf', '+inf', '-inf']);

/** One check of one field: when `rejects` holds, the reading is dead-lettered with `code`. */
export interface FieldCheck {
  code: ReadingErrorCode;
  /**
   * True for a rule the field's schema does not imply (the time window). The others only name
   * the code of a reading the schema rejects, so a reading the schema accepts skips them.
   */
  beyondSchema?: boolean;
  rejects: (value: unknown, now: number) => boolean;
  message: (value: unknown, now: number) => string;
}

export interface FieldDefinition {
  /** The field's structure: what the validator checks and the JSON Schema states. */
  schema: z.ZodType;
  /** Required fields must be present and not null; an optional one may be absent or null. */
  required: boolean;
  /** In order; the first that rejects names the reading's code. */
  checks: readonly FieldCheck[];
}

const absent = (value: unknown): boolean => value === undefined || value === null;
const notA = (schema: z.ZodType) => (value: unknown): boolean => !schema.safeParse(value).success;

const sensorIdSchema = z.string().regex(SENSOR_ID_PATTERN).meta({
  description: 'the sensor id: 1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit; the first part of the record key',
});

const tsSchema = z.union([
  z.string().regex(ISO_INSTANT_PATTERN).refine((text) => parseIsoInstant(text) !== undefined)
    .meta({ description: 'ISO-8601 date-time with a zone (Z or ±hh:mm) naming a real calendar moment' }),
  z.int().meta({ description: 'integer epoch milliseconds' }),
]).meta({
  description: 'when the reading was taken: ISO-8601 with a zone or integer epoch milliseconds; '
    + 'at or after 2000-01-01T00:00:00Z and at most one day after the time it is received',
});

const valueSchema = z.number().meta({ description: 'the raw measurement, a finite number in the sensor\'s own unit' });

const unitSchema = z.string().regex(UNIT_PATTERN).meta({
  description: 'the unit of value; left out or null means the input unit of the sensor\'s profile',
});

let lastTs: unknown;
let lastTsMs: number | undefined;

/** The reading's epoch ms, or undefined when `ts` is not one of the two accepted forms (the last answer is kept: the time rules ask again). */
function tsMs(ts: unknown): number | undefined {
  if (ts !== lastTs || typeof ts === 'object') {
    lastTs = ts;
    lastTsMs = !tsSchema.safeParse(ts).success ? undefined : typeof ts === 'number' ? ts : parseIsoInstant(ts as string);
  }
  return lastTsMs;
}

/** The fields of a raw reading, in the order they are checked. Any other field is kept as `extra`. */
export const rawReadingFields = {
  sensor_id: {
    schema: sensorIdSchema,
    required: true,
    checks: [
      { code: 'MISSING_SENSOR_ID', rejects: (v) => absent(v) || v === '', message: () => 'sensor_id is missing' },
      { code: 'INVALID_SENSOR_ID', rejects: notA(sensorIdSchema), message: (v) => `sensor_id must be 1-128 characters of A-Z a-z 0-9 . _ -, got ${describe(v)}` },
    ],
  },
  ts: {
    schema: tsSchema,
    required: true,
    checks: [
      { code: 'MISSING_TS', rejects: absent, message: () => 'ts is missing' },
      { code: 'INVALID_TS', rejects: notA(tsSchema), message: (v) => `ts must be ISO-8601 with a zone or integer epoch milliseconds, got ${describe(v)}` },
      { code: 'TS_TOO_OLD', beyondSchema: true, rejects: (v) => tsMs(v)! < EARLIEST_TS, message: (v) => `ts ${describe(v)} is before 2000-01-01T00:00:00Z` },
      {
        code: 'TS_IN_FUTURE', beyondSchema: true, rejects: (v, now) => tsMs(v)! > now + MAX_FUTURE_MS,
        message: (v, now) => `ts ${describe(v)} is more than a day after now (${new Date(now).toISOString()})`,
      },
    ],
  },
  value: {
    schema: valueSchema,
    required: true,
    checks: [
      { code: 'MISSING_VALUE', rejects: absent, message: () => 'value is missing' },
      {
        code: 'INVALID_VALUE', rejects: (v) => typeof v === 'string' && NON_FINITE_SPELLINGS.has(v.trim().toLowerCase()),
        message: (v) => `value must be a finite number, got ${describe(v)}`,
      },
      { code: 'VALUE_NOT_NUMBER', rejects: (v) => typeof v !== 'number', message: (v) => `value must be a number, got ${describe(v)}` },
      // JSON.parse turns 1e400 into Infinity.
      { code: 'INVALID_VALUE', rejects: notA(valueSchema), message: () => 'value must be a finite number (the exponent is too large for a double)' },
    ],
  },
  unit: {
    schema: unitSchema,
    required: false,
    checks: [
      {
        code: 'INVALID_UNIT', rejects: (v) => !absent(v) && notA(unitSchema)(v),
        message: (v) => `unit must be 1-${MAX_UNIT_LENGTH} characters of A-Z a-z 0-9 _ % ° µ . / -, got ${describe(v)}`,
      },
    ],
  },
} as const satisfies Record<string, FieldDefinition>;

const FIELD_ENTRIES = Object.entries(rawReadingFields) as [keyof typeof rawReadingFields, FieldDefinition][];

/** The reading as one zod object (unknown fields allowed): the source of the published JSON Schema. */
export const rawReadingSchema = z.looseObject(Object.fromEntries(FIELD_ENTRIES.map(([name, field]) =>
  [name, field.required ? field.schema : field.schema.nullable().optional()]))).meta({
  title: 'Kalibra raw reading',
  description: 'The value of a readings.raw record, UTF-8 JSON of at most 64 KiB. The record key is `<sensor_id>|<ts as epoch ms>` '
    + 'and must agree with the value. Fields not named here are kept (raw_readings.extra). A reading that breaks a rule is '
    + 'sent to readings.dlq with the code of the rule in the kalibra.error.code header.',
});

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
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const duplicate = duplicateKey(text);
    if (duplicate !== undefined) {
      return fail('DUPLICATE_KEY', `reading has the key ${describe(duplicate)} twice in one object; which one is meant is unknowable`);
    }
  }
  // Connect mode: the same reading in a Kafka Connect JSON envelope (raw-reading-envelope.ts).
  if (isConnectEnvelope(json)) {
    const unwrapped = unwrapRawReadingEnvelope(json);
    if (!unwrapped.ok) return unwrapped;
    json = unwrapped.reading;
  }
  return validateReadingObject(json, options);
}

/**
 * The field and key rules on an already decoded JSON value: what parseRawReading checks after
 * the bytes, for callers that build the object themselves (bin/import's rows and lines).
 */
export function validateReadingObject(json: unknown, options: ReadingParseOptions): ReadingParseResult {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail('NOT_AN_OBJECT', `reading must be a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  }
  const object = json as Record<string, unknown>;
  // One parse of the whole reading decides the common case; only a rejected reading is walked
  // check by check to name its code.
  const structural = rawReadingSchema.safeParse(object).success;
  for (const [name, field] of FIELD_ENTRIES) {
    const value = object[name];
    for (const check of field.checks) {
      if (structural && check.beyondSchema !== true) continue;
      if (check.rejects(value, options.now)) return fail(check.code, check.message(value, options.now));
    }
  }
  const sensorId = object.sensor_id as string;
  const ts = tsMs(object.ts)!;

  if (options.key !== undefined) {
    const keyError = checkKey(options.key, sensorId, ts);
    if (keyError !== undefined) return { ok: false, error: keyError };
  }

  // fromEntries defines properties, so a "__proto__" field is kept as data, never as a prototype.
  const extra = Object.fromEntries(Object.entries(object).filter(([name]) => !Object.hasOwn(rawReadingFields, name)));
  const unit = object.unit;
  return { ok: true, reading: { sensorId, ts, value: object.value as number, unit: typeof unit === 'string' ? unit : null, extra } };
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
