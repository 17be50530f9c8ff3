// Exactly once under crashes: a sink child process is SIGKILLed at random moments while
// readings keep arriving, and restarted each time. The result is checked with plain SQL
// and an audit trigger the sink knows nothing about.
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import {
  actualRawRows, chainProblems, expectedRawRows, installOffsetsAudit, offsetHistory, produce, readings, rowDifferences,
  sinkSchema, spawnSink, storedOffsets,
} from '../../../helpers/sink-fixtures.ts';
import type { Reading } from '../../../helpers/sink-fixtures.ts';
import { createTopics, pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

const PARTITIONS = 3;
const KILLS = 12;

/** 100,000 records: 92,000 readings, then 6,000 re-sends with new values and 2,000 tombstones mixed in. */
function workload(): Reading[][] {
  const base = readings(92_000, { sensors: 60, partitions: PARTITIONS });
  const later: Reading[] = [];
  for (let i = 0; i < 8_000; i++) {
    const original = base[i * 11]!;
    later.push(i % 4 === 3
      ? { ...original, value: null }
      : { ...original, value: JSON.stringify({ ...(JSON.parse(original.value!) as object), value: -i }) });
  }
  const all = [...base, ...later];
  const chunks: Reading[][] = [];
  for (let i = 0; i < all.length; i += 5_000) chunks.push(all.slice(i, i + 5_000));
  return chunks;
}

describe('the Postgres sink under SIGKILL', () => {
  it('ends with exactly the expected rows and the end offsets after being killed at random moments', async () => {
    const topic = uniqueName('crash-raw');
    const dlq = uniqueName('crash-dlq');
    await createTopics([topic], { partitions: PARTITIONS });
    await createTopics([dlq]);
    const schema = sinkSchema();
    const client = await pgClient();
    await migrate(client, schema);
    await installOffsetsAudit(client, schema);
    const connector = 'crash-sink';
    const env = {
      KALIBRA_SINK_SCHEMA: schema, KALIBRA_TOPIC_RAW: topic, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_SINK_CONNECTOR: connector,
      KALIBRA_GROUP_ID: uniqueName('crash-group'), KALIBRA_INSTANCE_ID: 'crash-sink-0', KALIBRA_SINK_BATCH_SIZE: '1000',
      KALIBRA_SINK_SESSION_TIMEOUT: '6s', KALIBRA_LOG_LEVEL: 'info',
    };
    const chunks = workload();
    const all = chunks.flat();
    expect(all).toHaveLength(100_000);

    // Readings keep arriving while the sink is killed and restarted: each life gets fresh
    // records to work on, so the kills land in the middle of batches, not in an idle sink.
    const pending = [...chunks];
    const killedAt: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const sink = spawnSink(['--mapping', 'raw'], env);
      await waitFor(() => sink.output().includes('"msg":"started"'), { timeoutMs: 60_000, message: `sink ${kill} to start` });
      const producing = produce(topic, pending.splice(0, 2).flat());
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 2_000)));
      killedAt.push(Object.values(await storedOffsets(client, schema, connector)).reduce((a, b) => a + b, 0));
      sink.child.kill('SIGKILL');
      await sink.exited;
      await producing;
    }
    await produce(topic, pending.flat());

    const ends: Record<number, number> = {};
    for (const record of all) ends[record.partition] = (ends[record.partition] ?? 0) + 1;
    const last = spawnSink(['--mapping', 'raw'], env);
    await waitFor(() => last.output().includes('"msg":"started"'), { timeoutMs: 60_000, message: 'the last sink to start' });
    await waitFor(async () => JSON.stringify(await storedOffsets(client, schema, connector)) === JSON.stringify(ends),
      { timeoutMs: 120_000, message: `offsets ${JSON.stringify(ends)}` });
    last.child.kill('SIGTERM');
    expect(await last.exited, last.output().slice(-2_000)).toBe(0);

    // The kills landed at different points of progress (not all before the first commit or after the last).
    expect(new Set(killedAt).size, `progress at each kill: ${killedAt.join(', ')}`).toBeGreaterThan(6);
    expect(rowDifferences(expectedRawRows(all), await actualRawRows(client, schema))).toEqual([]);
    expect(chainProblems(await offsetHistory(client, schema, connector), ends)).toEqual([]);
  }, 300_000);
});
