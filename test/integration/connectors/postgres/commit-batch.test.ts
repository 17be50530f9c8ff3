// The insert fast path of commit-batch.ts: a batch of new keys goes in by a plain COPY into the
// table; a batch with one existing key rolls back to the savepoint and is upserted, so the
// table ends up exactly as with the upsert alone; a row Postgres refuses is still dead-lettered.
// Checked by SQL.
import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../../../connectors/postgres/batch.ts';
import { commitBatch } from '../../../../connectors/postgres/commit-batch.ts';
import { rawMapping } from '../../../../connectors/postgres/mappings/raw.ts';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import type { SourceRecord } from '../../../../topology/core/task.ts';
import { actualRawRows, readings, sinkSchema, storedOffsets } from '../../../helpers/sink-fixtures.ts';
import { pgClient } from '../../../helpers/stack.ts';

/** Readings for partition 0 at offsets from `from`, each value replaced by `value(i)` when given. */
function records(from: number, count: number, value?: (i: number) => number): SourceRecord[] {
  return readings(from + count).slice(from).map((r, i) => {
    const reading = JSON.parse(r.value!) as { value: number };
    if (value !== undefined) reading.value = value(from + i);
    return { topic: 'readings', partition: 0, offset: BigInt(from + i), timestamp: 0n, key: Buffer.from(r.key), value: Buffer.from(JSON.stringify(reading)), headers: new Map() };
  });
}

describe('committing a batch with the insert fast path', () => {
  it('inserts new keys by COPY, and upserts a batch in which one key exists, leaving the same rows as the upsert alone', async () => {
    const schema = sinkSchema();
    const client = await pgClient();
    await migrate(client, schema);
    const key = { schema, connector: 'fast-path', topic: 'readings' };

    const first = buildBatch(rawMapping, records(0, 100));
    const inserted = await commitBatch(client, { key, mapping: rawMapping, method: 'copy', expected: new Map(), advanceTo: first.nextOffsets, batch: first, insertFirst: true });
    expect(inserted.written).toBe('inserted');

    // Offsets 99..198: the first reading exists (as written by offset 99), the other 99 are new.
    const overlapping = records(99, 100, (i) => -i);
    const second = buildBatch(rawMapping, overlapping);
    const upserted = await commitBatch(client, { key, mapping: rawMapping, method: 'copy', expected: new Map([[0, 100n]]), advanceTo: second.nextOffsets, batch: second, insertFirst: true });
    expect(upserted.written).toBe('upserted-after-insert');

    expect(await storedOffsets(client, schema, 'fast-path')).toEqual({ 0: 199 });
    const rows = await actualRawRows(client, schema);
    expect(rows.size).toBe(199);
    const values = [...rows.values()];
    expect(values.filter((v) => v < 0).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => -(198 - i)));
    expect(values.filter((v) => v >= 0)).toHaveLength(99);
  });

  it('still dead-letters a row Postgres refuses when the fast path is tried first', async () => {
    const schema = sinkSchema();
    const client = await pgClient();
    await migrate(client, schema);
    await client.query(`ALTER TABLE "${schema}".raw_readings ADD CONSTRAINT plausible CHECK (value < 1e6)`);
    const key = { schema, connector: 'fast-path-refused', topic: 'readings' };
    const batch = buildBatch(rawMapping, records(0, 50, (i) => (i === 20 ? 1e9 : i)));
    const committed = await commitBatch(client, { key, mapping: rawMapping, method: 'copy', expected: new Map(), advanceTo: batch.nextOffsets, batch, insertFirst: true });
    expect(committed.deadLetters.map((d) => [d.record.offset, d.error.code])).toEqual([[20n, 'DATABASE_REJECTED']]);
    expect((await actualRawRows(client, schema)).size).toBe(49);
    expect(await storedOffsets(client, schema, 'fast-path-refused')).toEqual({ 0: 50 });
  });
});
