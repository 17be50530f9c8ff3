// Two sinks that both believe they own the same partitions (a zombie that missed a
// rebalance, or two groups by mistake) cannot both commit a batch: the compare-and-set on
// kalibra_sink_offsets lets exactly one through, and rows and offsets stay exact.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../../../connectors/postgres/batch.ts';
import { commitBatch } from '../../../../connectors/postgres/commit-batch.ts';
import { rawMapping } from '../../../../connectors/postgres/mappings/raw.ts';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import type { SourceRecord } from '../../../../topology/core/task.ts';
import { started } from '../../../helpers/pipeline-processes.ts';
import {
  auditedRawSink, exactlyOnceProblems, produce, readings, sinkSchema, spawnSink, storedOffsets, storedOffsetsReach,
} from '../../../helpers/sink-fixtures.ts';
import { pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

function records(topic: string, count: number): SourceRecord[] {
  return readings(count).map((r, i) => ({
    topic, partition: 0, offset: BigInt(i), timestamp: 0n, key: Buffer.from(r.key),
    value: i === 3 ? Buffer.from('not json') : Buffer.from(r.value!), headers: new Map(),
  }));
}


describe('two sinks owning the same partition', () => {
  it('lets only one of two concurrent transactions commit the same batch; the other waits, then loses the compare-and-set', async () => {
    const schema = sinkSchema();
    const check = await pgClient();
    await migrate(check, schema);
    const key = { schema, connector: 'zombie', topic: 'readings' };
    const batch = buildBatch(rawMapping, records('readings', 100));
    const winnerClient = await pgClient();
    const zombieClient = await pgClient();
    const backend = async (client: pg.Client): Promise<number> =>
      (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const [winnerPid, zombiePid] = [await backend(winnerClient), await backend(zombieClient)];
    const waitsForLock = (pid: number, who: string): Promise<unknown> => waitFor(async () => {
      const { rows } = await check.query<{ n: string }>('SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND pid = $1', [pid]);
      return Number(rows[0]!.n) > 0;
    }, { message: `${who} to wait for a lock` });

    // The winner is held inside its transaction, past its compare-and-set, by a lock on the
    // table it writes to, until released.
    await check.query('BEGIN');
    await check.query(`LOCK TABLE "${schema}".raw_readings IN SHARE MODE`);
    const winner = commitBatch(winnerClient, {
      key, mapping: rawMapping, method: 'unnest', expected: new Map(), advanceTo: batch.nextOffsets, batch,
    });
    await waitsForLock(winnerPid, 'the winner');
    const zombie = commitBatch(zombieClient, {
      key, mapping: rawMapping, method: 'copy', expected: new Map(), advanceTo: batch.nextOffsets, batch,
    });
    // Observed at once: the zombie may reject while the winner's result is still being
    // awaited, and a rejection nobody listens to yet is reported as unhandled.
    const zombieOutcome = zombie.then(() => undefined, (error: unknown) => error);
    // The zombie is blocked on the offset row lock, not finished.
    await waitsForLock(zombiePid, 'the zombie');
    await check.query('COMMIT');

    const won = await winner;
    expect(won.stored).toEqual(new Map([[0, 100n]]));
    expect(won.deadLetters.map((d) => d.record.offset)).toEqual([3n]);
    expect(await zombieOutcome).toMatchObject({ code: 'OFFSET_CONFLICT' });
    expect(await storedOffsets(check, schema, 'zombie')).toEqual({ 0: 100 });
    const { rows } = await check.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".raw_readings`);
    expect(Number(rows[0]!.n)).toBe(99);
    // The dead letter is stored once, by the winner.
    const { rows: dead } = await check.query<{ offset: string }>(`SELECT "offset" FROM "${schema}".kalibra_dead_letters`);
    expect(dead).toEqual([{ offset: '3' }]);
  });

  it('rejects a batch whose expected offset is stale, leaving rows and offsets untouched', async () => {
    const schema = sinkSchema();
    const client = await pgClient();
    await migrate(client, schema);
    const key = { schema, connector: 'zombie', topic: 'readings' };
    const all = records('readings', 20);
    const first = buildBatch(rawMapping, all.slice(0, 10));
    await commitBatch(client, { key, mapping: rawMapping, method: 'unnest', expected: new Map(), advanceTo: first.nextOffsets, batch: first });
    // A zombie that still believes nothing was stored tries the first batch again, with other values.
    const stale = buildBatch(rawMapping, all.slice(0, 10).map((r) => ({ ...r, value: r.value && r.offset !== 3n
      ? Buffer.from(r.value.toString().replace(/"value":[^,]+/, '"value":-999')) : r.value })));
    await expect(commitBatch(client, { key, mapping: rawMapping, method: 'unnest', expected: new Map(), advanceTo: stale.nextOffsets, batch: stale }))
      .rejects.toMatchObject({ code: 'OFFSET_CONFLICT' });
    const again = buildBatch(rawMapping, all.slice(5, 15));
    await expect(commitBatch(client, { key, mapping: rawMapping, method: 'unnest', expected: new Map([[0, 5n]]), advanceTo: again.nextOffsets, batch: again }))
      .rejects.toMatchObject({ code: 'OFFSET_CONFLICT' });
    const { rows } = await client.query<{ n: string; bad: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE value = -999) AS bad FROM "${schema}".raw_readings`);
    expect(rows[0]).toEqual({ n: '9', bad: '0' });
    expect(await storedOffsets(client, schema, 'zombie')).toEqual({ 0: 10 });
  });

  it('keeps rows and offsets exact when two sink processes consume the same partitions at once', async () => {
    const sink = await auditedRawSink('zombie', 2);
    const data = readings(30_000, { sensors: 40, partitions: 2 });
    const common = { ...sink.env, KALIBRA_SINK_BATCH_SIZE: '500', KALIBRA_LOG_LEVEL: 'info' };
    // Different groups: each is assigned every partition and believes it owns them.
    const a = spawnSink(['--mapping', 'raw'], { ...common, KALIBRA_GROUP_ID: uniqueName('zombie-a'), KALIBRA_INSTANCE_ID: 'a' });
    const b = spawnSink(['--mapping', 'raw'], { ...common, KALIBRA_GROUP_ID: uniqueName('zombie-b'), KALIBRA_INSTANCE_ID: 'b' });
    await started(a, 'sink a');
    await started(b, 'sink b');
    await produce(sink.topic, data);

    const ends = { 0: 15_000, 1: 15_000 };
    await storedOffsetsReach(sink, ends);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([await a.exited, await b.exited]).toEqual([0, 0]);

    const conflicts = (a.output() + b.output()).split('compare-and-set lost').length - 1;
    expect(conflicts).toBeGreaterThan(0);
    expect(await exactlyOnceProblems(sink, data, ends)).toEqual({ rows: [], offsets: [] });
  });
});
