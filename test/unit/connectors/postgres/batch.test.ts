import { describe, expect, it } from 'vitest';
import { BatchBuilder, buildBatch } from '../../../../connectors/postgres/batch.ts';
import { rawMapping } from '../../../../connectors/postgres/mappings/raw.ts';
import { copyText } from '../../../../connectors/postgres/row-writers.ts';
import type { SourceRecord } from '../../../../topology/core/task.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function rec(partition: number, offset: number, sensor: string, ms: number, value: number | null | string): SourceRecord {
  const body = typeof value === 'number' ? JSON.stringify({ sensor_id: sensor, ts: ms, value }) : value;
  return {
    topic: 't', partition, offset: BigInt(offset), timestamp: 0n, key: Buffer.from(`${sensor}|${ms}`), headers: new Map(),
    value: body === null ? null : Buffer.from(body),
  };
}

describe('building a batch', () => {
  it('keeps only the last record per (sensor_id, ts), in offset order', () => {
    const batch = buildBatch(rawMapping, [rec(0, 0, 'a', T0, 1), rec(0, 1, 'b', T0, 2), rec(0, 2, 'a', T0, 3)]);
    expect(batch.upserts.map((row) => [row[0], row[2], row[6]])).toEqual([['a', 3, '2'], ['b', 2, '1']]);
    expect(batch.deletes).toEqual([]);
  });

  it('deletes a reading whose last record in the batch is a tombstone', () => {
    const batch = buildBatch(rawMapping, [rec(0, 0, 'a', T0, 1), rec(0, 1, 'a', T0, null)]);
    expect(batch.upserts).toEqual([]);
    expect(batch.deletes).toEqual([{ sensorId: 'a', ts: '2026-01-01T00:00:00.000Z' }]);
  });

  it('upserts a reading written again after its tombstone', () => {
    const batch = buildBatch(rawMapping, [rec(0, 0, 'a', T0, null), rec(0, 1, 'a', T0, 5)]);
    expect(batch.deletes).toEqual([]);
    expect(batch.upserts.map((row) => row[2])).toEqual([5]);
  });

  it('dead-letters unmappable records and tombstones with unusable keys, and still moves past them', () => {
    const badKey: SourceRecord = { ...rec(1, 7, 'x', T0, null), key: Buffer.from('no-bar') };
    const batch = buildBatch(rawMapping, [rec(0, 4, 'a', T0, 'nonsense'), badKey, rec(0, 5, 'a', T0 + 1000, 1)]);
    expect(batch.deadLetters.map((d) => [d.record.offset, d.error.code])).toEqual([[4n, 'RECORD_NOT_JSON'], [7n, 'RECORD_INVALID_KEY']]);
    expect(batch.nextOffsets).toEqual(new Map([[0, 6n], [1, 8n]]));
    expect(batch.records).toBe(3);
  });

  it('reads a tombstone key whose sensor id contains a bar', () => {
    const record: SourceRecord = { ...rec(0, 0, 'x', T0, null), key: Buffer.from(`site|room|${T0}`) };
    expect(buildBatch(rawMapping, [record]).deletes).toEqual([{ sensorId: 'site|room', ts: '2026-01-01T00:00:00.000Z' }]);
  });

  it('treats readings at the same instant written as ISO and as epoch ms as one key', () => {
    const iso: SourceRecord = { ...rec(0, 1, 'a', T0, 0), value: Buffer.from(JSON.stringify({ sensor_id: 'a', ts: '2026-01-01T00:00:00Z', value: 9 })) };
    expect(buildBatch(rawMapping, [rec(0, 0, 'a', T0, 1), iso]).upserts.map((row) => row[2])).toEqual([9]);
  });
});

describe('the COPY text of a batch', () => {
  it('is the COPY text of its upserts, also when a later record overwrote a key', () => {
    const plain = buildBatch(rawMapping, [rec(0, 0, 'a', T0, 1), rec(0, 1, 'b', T0, 2)]);
    expect(plain.copyText).toBe(copyText(plain.upserts));
    const overwritten = buildBatch(rawMapping, [rec(0, 0, 'a', T0, 1), rec(0, 1, 'b', T0, 2), rec(0, 2, 'a', T0, 3), rec(0, 3, 'b', T0, null)]);
    expect(overwritten.upserts.map((row) => row[2])).toEqual([3]);
    expect(overwritten.copyText).toBe(copyText(overwritten.upserts));
  });
});

describe('a batch built without keeping rows (the COPY method)', () => {
  it('has the same COPY text, and maps its sources again to the same rows when they are asked for', () => {
    const records = [rec(0, 0, 'a', T0, 1), rec(0, 1, 'b', T0, 2), rec(0, 2, 'a', T0, 3), rec(1, 0, 'c', T0, null), rec(1, 1, 'd', T0, 'nonsense')];
    const kept = buildBatch(rawMapping, records);
    const builder = new BatchBuilder(rawMapping, { keepRows: false });
    for (const record of records) builder.add(record);
    const lean = builder.seal();
    expect(lean.copyText).toBe(kept.copyText);
    expect(lean.upserts).toEqual(kept.upserts);
    expect(lean.deletes).toEqual(kept.deletes);
    expect(lean.deadLetters.map((d) => d.record.offset)).toEqual(kept.deadLetters.map((d) => d.record.offset));
  });
});
