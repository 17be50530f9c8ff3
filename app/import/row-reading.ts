// One source row (a Postgres row, a CSV record, an NDJSON object) to the raw-reading record
// bin/import produces, judged by the rules live readings are judged by
// (validateReadingObject, calibration/raw-reading.ts): the columns are mapped to sensor_id,
// ts, value and unit, times without a zone are read in the stated zone, and the record is
// keyed `<sensor_id>|<epoch ms>` (contract/reading-key.ts). Pure.
import { MAX_READING_BYTES, validateReadingObject } from '../../calibration/raw-reading.ts';
import type { ReadingErrorCode } from '../../calibration/errors.ts';
import { readingKey } from '../../contract/reading-key.ts';
import type { ZoneReader } from './zoned-time.ts';

export interface ColumnMapping {
  sensor: string;
  ts: string;
  value: string;
  unit: string;
}

export interface ImportRecord {
  key: Buffer;
  value: Buffer;
  timestamp: bigint;
}

export type RowOutcome =
  | { ok: true; record: ImportRecord }
  | { ok: false; code: ReadingErrorCode; message: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const EPOCH_MS = /^-?\d+$/;
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

export interface RowReader {
  mapping: ColumnMapping;
  /** Reads times written without a zone; undefined leaves them as they are (the validator rejects them). */
  zone: ZoneReader | undefined;
  now: number;
}

/** Text (CSV, a Postgres numeric or bigint) that is a number becomes one; the validator judges the rest. */
function numeric(value: unknown): unknown {
  // A Postgres float8 NaN or Infinity: judged as the text a CSV export of it holds ("NaN"), the same code either way.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value.trim()) : value;
}

function time(value: unknown, zone: ZoneReader | undefined): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (EPOCH_MS.test(text)) return Number(text);
  if (zone !== undefined && !HAS_ZONE.test(text)) return zone(text) ?? value;
  // Postgres writes timestamptz as `2026-01-01 12:00:00.123+00`: the ISO form of the same instant.
  const pg = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?$/.exec(text);
  return pg === null ? value : `${pg[1]}T${pg[2]}${pg[3]}:${pg[4] ?? '00'}`;
}

const blank = (value: unknown): boolean => value === undefined || value === null || value === '';

export function rowToRecord(row: Readonly<Record<string, unknown>>, reader: RowReader): RowOutcome {
  const { mapping } = reader;
  const unit = row[mapping.unit];
  const object: Record<string, unknown> = {
    sensor_id: row[mapping.sensor] ?? undefined,
    ts: blank(row[mapping.ts]) ? undefined : time(row[mapping.ts], reader.zone),
    value: blank(row[mapping.value]) ? null : numeric(row[mapping.value]),
  };
  if (!blank(unit)) object.unit = unit;
  const result = validateReadingObject(object, { now: reader.now });
  if (!result.ok) return { ok: false, code: result.error.code as ReadingErrorCode, message: result.error.message };
  const { sensorId, ts, value } = result.reading;
  const json = JSON.stringify(result.reading.unit === null
    ? { sensor_id: sensorId, ts: new Date(ts).toISOString(), value }
    : { sensor_id: sensorId, ts: new Date(ts).toISOString(), value, unit: result.reading.unit });
  const bytes = Buffer.from(json);
  if (bytes.length > MAX_READING_BYTES) return { ok: false, code: 'TOO_LARGE', message: `the reading is ${bytes.length} bytes, over the ${MAX_READING_BYTES}-byte limit` };
  return { ok: true, record: { key: Buffer.from(readingKey(sensorId, ts)), value: bytes, timestamp: BigInt(ts) } };
}
