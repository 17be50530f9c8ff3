// The fault suite's verdict can fail: fed observations with a lost, a doubled or a misplaced
// reading it names them, and it tells valid readings from malformed ones by the rules of
// docs/architecture.md#messages without the calibration code.
import { describe, expect, it } from 'vitest';
import type { DetailedConsoleRecord } from '../../../dev/verify/console-consumer.ts';
import { classify, isValidReading, passed, verdict } from '../../faults/verdict.ts';
import type { Observed } from '../../faults/verdict.ts';

const NOW = Date.parse('2026-11-30T06:00:00Z');
const ts = (i: number): number => Date.parse('2026-11-30T05:00:00Z') + i * 1000;

function reading(i: number, partition: number, offset: number): DetailedConsoleRecord {
  const sensor = `sensor-${i % 3}`;
  return { partition, offset, headers: {}, key: `${sensor}|${ts(i)}`,
    value: JSON.stringify({ sensor_id: sensor, ts: new Date(ts(i)).toISOString(), value: i / 10, unit: 'celsius' }) };
}

function before2000(partition: number, offset: number, i: number): DetailedConsoleRecord {
  return { partition, offset, headers: {}, key: `sensor-0|${ts(i) + 1}`,
    value: JSON.stringify({ sensor_id: 'sensor-0', ts: '1999-12-31T23:59:59Z', value: 20.5 }) };
}

function dead(record: DetailedConsoleRecord, connector?: string): DetailedConsoleRecord {
  return { ...record, partition: 0, offset: 0, headers: {
    'kalibra.source.partition': String(record.partition), 'kalibra.source.offset': String(record.offset),
    ...(connector === undefined ? {} : { 'kalibra.sink.connector': connector }) } };
}

const keyOf = (r: DetailedConsoleRecord): string => r.key;
const rowOf = (r: DetailedConsoleRecord): string => {
  const { sensor_id: sensor, ts: at } = JSON.parse(r.value) as { sensor_id: string; ts: string };
  return `${sensor}|${Date.parse(at)}`;
};

/** A run where everything went right: 6 readings, one not-JSON record and two malformed ones of the same row in one batch. */
function clean(): Observed {
  const valid = [0, 1, 2, 3, 4, 5].map((i) => reading(i, i % 2, Math.floor(i / 2)));
  const notJson: DetailedConsoleRecord = { partition: 0, offset: 10, headers: {}, key: 'sensor-0|1', value: '{"sensor_id": "sensor-0", "ts": ' };
  const old1 = before2000(1, 10, 100);
  const old2 = before2000(1, 11, 101);
  const raw = classify([...valid, notJson, old1, old2], NOW);
  return {
    raw,
    calibrated: valid.map((r) => ({ ...r, value: '{}' })),
    dlq: [dead(notJson), dead(old1), dead(old2), dead(notJson, 'kalibra-sink-raw')],
    rawWrites: new Map([...valid, old2].map((r) => [`${r.partition}:${r.offset}`, 1])),
    calibratedWrites: new Map(valid.map((r) => [keyOf(r), 1])),
    rawRows: new Map([...valid.map((r) => [keyOf(r), 1] as const), [rowOf(old2), 1] as const]),
    calibratedRows: new Map(valid.map((r) => [keyOf(r), 1])),
    rawConnector: 'kalibra-sink-raw',
  };
}

describe('the fault suite\'s verdict', () => {
  it('passes a run where every reading is where it belongs once, counting a malformed record superseded in its batch', () => {
    const checks = verdict(clean());
    expect(checks.filter((c) => !passed(c))).toEqual([]);
    expect(checks.find((c) => c.place.startsWith('raw sink: every raw record'))?.place).toContain('1 malformed superseded');
  });

  it('names a calibrated record committed twice as duplicated', () => {
    const run = clean();
    run.calibrated = [...run.calibrated, run.calibrated[2]!];
    const failing = verdict(run).filter((c) => !passed(c));
    expect(failing.map((c) => [c.place, c.duplicated, c.examples])).toEqual([
      ['readings.calibrated (read_committed, console consumer)', 1, [`${run.calibrated[2]!.key} ×2`]],
    ]);
  });

  it('names a raw row written twice (an upsert hides it in the table, not in the audit) as duplicated', () => {
    const run = clean();
    run.rawWrites.set('1:0', 2);
    const failing = verdict(run).filter((c) => !passed(c));
    expect(failing.map((c) => c.place)).toEqual([
      'raw_readings (committed writes per valid reading, audit trigger)', 'raw sink: every raw record written or dead-lettered (1 malformed superseded in their batch)',
    ]);
    expect(failing.every((c) => c.duplicated === 1)).toBe(true);
  });

  it('names a lost calibrated row, a lost dead letter and a valid reading dead-lettered', () => {
    const run = clean();
    const gone = run.raw.valid[4]!;
    run.calibratedRows.delete(gone.key);
    run.dlq = run.dlq.slice(1).concat(dead(gone));
    const failing = verdict(run).filter((c) => !passed(c));
    expect(failing.map((c) => [c.place, c.lost, c.unexpected])).toEqual([
      ['calibrated_readings (rows)', 1, 0],
      ['readings.dlq from the calibrator (malformed readings)', 1, 1],
    ]);
  });

  it('tells valid readings from malformed ones without the calibration code', () => {
    const ok = { sensor_id: 's', ts: '2026-11-30T05:00:00.000Z', value: 1.5 };
    const key = `s|${Date.parse(ok.ts)}`;
    expect(isValidReading(key, JSON.stringify(ok), NOW)).toBe(true);
    expect(isValidReading(key, JSON.stringify({ ...ok, unit: 'celsius' }), NOW)).toBe(true);
    expect(isValidReading(`s|${Date.parse(ok.ts) + 1}`, JSON.stringify(ok), NOW)).toBe(false); // key names another time
    expect(isValidReading(key, JSON.stringify({ ...ok, value: 'warm' }), NOW)).toBe(false);
    expect(isValidReading(key, '{"sensor_id": "s", "ts": "2026-11-30T05:00:00.000Z", "value": NaN}', NOW)).toBe(false);
    expect(isValidReading(key, JSON.stringify({ ...ok, value: null }), NOW)).toBe(false);
    expect(isValidReading(key, JSON.stringify([ok]), NOW)).toBe(false);
    expect(isValidReading('s|946684799000', JSON.stringify({ ...ok, ts: '1999-12-31T23:59:59Z' }), NOW)).toBe(false);
    const future = NOW + 30 * 86_400_000;
    expect(isValidReading(`s|${future}`, JSON.stringify({ ...ok, ts: new Date(future).toISOString() }), NOW)).toBe(false);
    expect(isValidReading(key, JSON.stringify({ ts: ok.ts, value: 1 }), NOW)).toBe(false);
    expect(isValidReading(key, JSON.stringify({ ...ok, ts: '2026-11-30T05:00:00' }), NOW)).toBe(false); // no zone
  });
});
