// The fault suite's verdict, computed without the code under test: which raw records are valid
// readings (a check written out again here from docs/architecture.md#messages), and for each
// place a reading must reach (raw_readings, calibrated_readings, readings.calibrated, the DLQ)
// how many are there exactly once, missing (lost), more than once (duplicated), or there
// when they must not be (unexpected). Inputs are what Kafka's console consumer and SQL saw.
import type { DetailedConsoleRecord } from '../../dev/verify/console-consumer.ts';

const YEAR_2000 = Date.parse('2000-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** A valid reading: a JSON object with sensor_id, a ts from 2000 to a day ahead, a finite number value, and the key `<sensor_id>|<ts ms>`. */
export function isValidReading(key: string, value: string, nowMs: number): boolean {
  let reading: unknown;
  try {
    reading = JSON.parse(value);
  } catch {
    return false;
  }
  if (reading === null || typeof reading !== 'object' || Array.isArray(reading)) return false;
  const { sensor_id: sensor, ts, value: number, unit } = reading as Record<string, unknown>;
  if (typeof sensor !== 'string' || sensor.length === 0) return false;
  const tsMs = typeof ts === 'string' && /(Z|[+-]\d\d:?\d\d)$/.test(ts) ? Date.parse(ts) : typeof ts === 'number' && Number.isInteger(ts) ? ts : NaN;
  if (!Number.isFinite(tsMs) || tsMs < YEAR_2000 || tsMs > nowMs + DAY_MS) return false;
  if (typeof number !== 'number' || !Number.isFinite(number)) return false;
  if (unit !== undefined && typeof unit !== 'string') return false;
  return key === `${sensor}|${tsMs}`;
}

export interface Check {
  /** Where: a table, a topic, a part of the DLQ. */
  place: string;
  expected: number;
  exactlyOnce: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  /** A few of the offending ids, for the failure message. */
  examples: string[];
}

/** Compares what must be there once (`expected` ids) with how often each id was seen. */
export function countCheck(place: string, expected: Iterable<string>, seen: Map<string, number>, mustNotSee: (id: string) => boolean = () => true): Check {
  const check: Check = { place, expected: 0, exactlyOnce: 0, lost: 0, duplicated: 0, unexpected: 0, examples: [] };
  const wanted = new Set(expected);
  const example = (what: string): void => { if (check.examples.length < 8) check.examples.push(what); };
  for (const id of wanted) {
    check.expected += 1;
    const n = seen.get(id) ?? 0;
    if (n === 1) check.exactlyOnce += 1;
    else if (n === 0) { check.lost += 1; example(`lost ${id}`); } else { check.duplicated += 1; example(`${id} ×${n}`); }
  }
  for (const [id, n] of seen) {
    if (wanted.has(id) || !mustNotSee(id)) continue;
    check.unexpected += 1;
    example(`unexpected ${id} ×${n}`);
  }
  return check;
}

export function passed(check: Check): boolean {
  return check.lost === 0 && check.duplicated === 0 && check.unexpected === 0 && check.exactlyOnce === check.expected;
}

export interface RawRecords {
  valid: DetailedConsoleRecord[];
  malformed: DetailedConsoleRecord[];
}

export function classify(raw: readonly DetailedConsoleRecord[], nowMs: number): RawRecords {
  const valid: DetailedConsoleRecord[] = [];
  const malformed: DetailedConsoleRecord[] = [];
  for (const record of raw) (isValidReading(record.key, record.value, nowMs) ? valid : malformed).push(record);
  return { valid, malformed };
}

export const sourceId = (partition: number | string, offset: number | string): string => `${partition}:${offset}`;

export function countBy<T>(items: Iterable<T>, id: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = id(item);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The row (sensor_id, ts) the raw sink would upsert for a record, when its value has both. */
function rowKey(value: string): string | undefined {
  try {
    const { sensor_id: sensor, ts } = JSON.parse(value) as Record<string, unknown>;
    const tsMs = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN;
    return typeof sensor === 'string' && Number.isFinite(tsMs) ? `${sensor}|${tsMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** Records with no outcome of their own whose row a later record of the same partition wrote. */
function supersededInBatch(records: readonly DetailedConsoleRecord[], outcomes: Map<string, number>): string[] {
  const written = new Map<string, number[]>(); // `<partition>|<row>` → offsets written
  const keyed = records.map((r) => ({ r, row: rowKey(r.value) }));
  for (const { r, row } of keyed) {
    if (row !== undefined && (outcomes.get(sourceId(r.partition, r.offset)) ?? 0) > 0) {
      const list = written.get(`${r.partition}|${row}`) ?? [];
      list.push(r.offset);
      written.set(`${r.partition}|${row}`, list);
    }
  }
  return keyed.filter(({ r, row }) => row !== undefined && (outcomes.get(sourceId(r.partition, r.offset)) ?? 0) === 0
    && (written.get(`${r.partition}|${row}`) ?? []).some((offset) => offset > r.offset)).map(({ r }) => sourceId(r.partition, r.offset));
}

export interface Observed {
  raw: RawRecords;
  /** readings.calibrated, read_committed by Kafka's console consumer. */
  calibrated: readonly DetailedConsoleRecord[];
  /** readings.dlq, read_committed by Kafka's console consumer. */
  dlq: readonly DetailedConsoleRecord[];
  /** Committed writes to raw_readings per source record `<partition>:<offset>` (audit trigger). */
  rawWrites: Map<string, number>;
  /** Committed writes to calibrated_readings per key (audit trigger). */
  calibratedWrites: Map<string, number>;
  rawRows: Map<string, number>;
  calibratedRows: Map<string, number>;
  rawConnector: string;
}

/** Every check of the run; all must pass. */
export function verdict(o: Observed): Check[] {
  const validKeys = o.raw.valid.map((r) => r.key);
  const validSources = new Set(o.raw.valid.map((r) => sourceId(r.partition, r.offset)));
  const malformedSources = o.raw.malformed.map((r) => sourceId(r.partition, r.offset));
  const source = (r: DetailedConsoleRecord): string | undefined => {
    const partition = r.headers['kalibra.source.partition'];
    const offset = r.headers['kalibra.source.offset'];
    return partition === undefined || offset === undefined ? `no source headers (key ${r.key})` : sourceId(partition, offset);
  };
  const fromCalibrator = o.dlq.filter((r) => r.headers['kalibra.sink.connector'] === undefined);
  const fromRawSink = o.dlq.filter((r) => r.headers['kalibra.sink.connector'] === o.rawConnector);
  const fromOtherSinks = o.dlq.filter((r) => r.headers['kalibra.sink.connector'] !== undefined && r.headers['kalibra.sink.connector'] !== o.rawConnector);
  const rawSinkDead = countBy(fromRawSink, source);
  // The raw sink stores what it can (a malformed reading may still fit the columns) and
  // dead-letters the rest: each raw record exactly once in one of the two. A batch keeps only
  // the last of its records with the same row (sensor_id, ts): an earlier one that was neither
  // written nor dead-lettered counts once when a later record of its partition with the same
  // row was written (the table then holds what an upsert of both would have left).
  const rawSinkOutcomes = new Map(o.rawWrites);
  for (const [id, n] of rawSinkDead) rawSinkOutcomes.set(id, (rawSinkOutcomes.get(id) ?? 0) + n);
  const superseded = supersededInBatch(o.raw.malformed, rawSinkOutcomes);
  for (const id of superseded) rawSinkOutcomes.set(id, 1);
  const rawByKey = new Map(o.raw.valid.concat(o.raw.malformed).map((r) => [r.key, r.value]));
  const changed = fromCalibrator.filter((r) => rawByKey.get(r.key) !== r.value).map((r) => r.key);
  return [
    countCheck('readings.raw: each valid reading sent once (the source, not the pipeline)', validKeys, countBy(o.raw.valid, (r) => r.key)),
    countCheck('raw_readings (rows of valid readings)', validKeys, o.rawRows, () => false),
    countCheck('raw_readings (committed writes per valid reading, audit trigger)', validSources,
      new Map([...o.rawWrites].filter(([id]) => validSources.has(id)))),
    countCheck(`raw sink: every raw record written or dead-lettered (${superseded.length} malformed superseded in their batch)`, [...validSources, ...malformedSources], rawSinkOutcomes),
    countCheck('calibrated_readings (rows)', validKeys, o.calibratedRows),
    countCheck('calibrated_readings (committed writes, audit trigger)', validKeys, o.calibratedWrites),
    countCheck('readings.calibrated (read_committed, console consumer)', validKeys, countBy(o.calibrated, (r) => r.key)),
    countCheck('readings.dlq from the calibrator (malformed readings)', malformedSources, countBy(fromCalibrator, source)),
    countCheck('readings.dlq from the raw sink: no valid reading', [], new Map([...rawSinkDead].filter(([id]) => validSources.has(id)))),
    countCheck('readings.dlq from the calibrated sink: nothing', [], countBy(fromOtherSinks, source)),
    countCheck('readings.dlq keeps the original value', [], new Map(changed.map((key) => [key, 1]))),
  ];
}
