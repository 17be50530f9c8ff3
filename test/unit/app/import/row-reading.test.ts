import { describe, expect, it } from 'vitest';
import { rowToRecord, type RowReader } from '../../../../app/import/row-reading.ts';
import { csvFields } from '../../../../app/import/sources.ts';
import { zoneReader } from '../../../../app/import/zoned-time.ts';

const NOW = Date.parse('2026-11-29T00:00:00Z');
const mapping = { sensor: 'device', ts: 'taken_at', value: 'reading', unit: 'uom' };
const reader = (zone?: string): RowReader => ({ mapping, zone: zone === undefined ? undefined : zoneReader(zone), now: NOW });

function record(row: Record<string, unknown>, zone?: string): { key: string; value: unknown; timestamp: bigint } | string {
  const outcome = rowToRecord(row, reader(zone));
  return outcome.ok ? { key: outcome.record.key.toString(), value: JSON.parse(outcome.record.value.toString()), timestamp: outcome.record.timestamp } : outcome.code;
}

describe('zoneReader', () => {
  // Postgres' own answers: SELECT (timestamp '<local>' AT TIME ZONE 'Europe/Berlin')
  it.each([
    ['2026-02-01 00:00:00', '2026-01-31T23:00:00.000Z'],
    ['2026-07-01T12:30:00.5', '2026-07-01T10:30:00.500Z'],
    ['2025-10-26 02:30:00', '2025-10-26T01:30:00.000Z'], // repeated hour: the offset after the change, as Postgres
    ['2025-03-30 02:30:00', '2025-03-30T01:30:00.000Z'], // skipped hour: the offset before the change, as Postgres
  ])('reads %s in Europe/Berlin as %s', (local, utc) => {
    expect(zoneReader('Europe/Berlin')!(local)).toBe(utc);
  });

  it('takes UTC and fixed offsets, and refuses unknown zones and impossible dates', () => {
    expect(zoneReader('UTC')!('2026-02-01 00:00:00')).toBe('2026-02-01T00:00:00.000Z');
    expect(zoneReader('-05:00')!('2026-02-01 00:00:00')).toBe('2026-02-01T05:00:00.000Z');
    expect(zoneReader('Mars/Olympus')).toBeUndefined();
    expect(zoneReader('UTC')!('2026-02-30 00:00:00')).toBeUndefined();
  });
});

describe('rowToRecord', () => {
  it('maps the columns, reads a zone-less time in the stated zone and keys the record <sensor>|<epoch ms>', () => {
    const ts = Date.parse('2026-01-31T23:00:00Z');
    expect(record({ device: 'rc-01', taken_at: '2026-02-01 00:00:00', reading: '21.5', uom: 'celsius', other: 1 }, 'Europe/Berlin')).toEqual({
      key: `rc-01|${ts}`, value: { sensor_id: 'rc-01', ts: '2026-01-31T23:00:00.000Z', value: 21.5, unit: 'celsius' }, timestamp: BigInt(ts),
    });
  });

  it('reads Postgres timestamptz text, epoch milliseconds and ISO text alike', () => {
    const want = `rc-01|${Date.parse('2026-02-01T00:00:00.123Z')}`;
    for (const taken_at of ['2026-02-01 00:00:00.123+00', '2026-02-01 01:00:00.123+01', String(Date.parse('2026-02-01T00:00:00.123Z')), '2026-02-01T00:00:00.123Z']) {
      expect(record({ device: 'rc-01', taken_at, reading: 1 })).toMatchObject({ key: want });
    }
  });

  it('judges rows by the live rules: a zone-less time without --timezone, NaN, blanks', () => {
    expect(record({ device: 'rc-01', taken_at: '2026-02-01 00:00:00', reading: 1 })).toBe('INVALID_TS');
    expect(record({ device: 'rc-01', taken_at: '2026-02-01T00:00:00Z', reading: Number.NaN })).toBe('INVALID_VALUE');
    expect(record({ device: 'rc-01', taken_at: '2026-02-01T00:00:00Z', reading: 'NaN' })).toBe('INVALID_VALUE');
    expect(record({ device: 'rc-01', taken_at: '2026-02-01T00:00:00Z', reading: '' })).toBe('MISSING_VALUE');
    expect(record({ device: '', taken_at: '2026-02-01T00:00:00Z', reading: 1 })).toBe('MISSING_SENSOR_ID');
    expect(record({ device: 'rc-01', taken_at: '', reading: 1 })).toBe('MISSING_TS');
    expect(record({ device: 'rc-01', taken_at: '2026-02-01T00:00:00Z', reading: 'warm' })).toBe('VALUE_NOT_NUMBER');
    expect((record({ device: 'rc-01', taken_at: '2026-02-01T00:00:00Z', reading: 1, uom: '' }) as { value: object }).value).not.toHaveProperty('unit');
  });
});

describe('csvFields', () => {
  it('splits RFC 4180 records: quotes, doubled quotes, commas and line ends inside quotes', () => {
    expect(csvFields('1,"a,b","say ""hi""",,"x\ny"')).toEqual(['1', 'a,b', 'say "hi"', '', 'x\ny']);
  });
});
