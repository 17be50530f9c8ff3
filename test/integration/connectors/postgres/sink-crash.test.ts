// Exactly once under crashes: a sink child process is SIGKILLed at random moments while
// readings keep arriving, and restarted each time. The result is checked with plain SQL
// and an audit trigger the sink knows nothing about.
import { describe, expect, it } from 'vitest';
import { started } from '../../../helpers/pipeline-processes.ts';
import { auditedRawSink, exactlyOnceProblems, produce, readings, spawnSink, storedOffsets, storedOffsetsReach } from '../../../helpers/sink-fixtures.ts';
import type { Reading } from '../../../helpers/sink-fixtures.ts';
import { uniqueName } from '../../../helpers/stack.ts';

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
    const sink = await auditedRawSink('crash', PARTITIONS);
    const env = {
      ...sink.env, KALIBRA_GROUP_ID: uniqueName('crash-group'), KALIBRA_INSTANCE_ID: 'crash-sink-0', KALIBRA_SINK_BATCH_SIZE: '1000',
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
      const life = spawnSink(['--mapping', 'raw'], env);
      await started(life, `sink ${kill}`);
      const producing = produce(sink.topic, pending.splice(0, 2).flat());
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 2_000)));
      killedAt.push(Object.values(await storedOffsets(sink.client, sink.schema, sink.connector)).reduce((a, b) => a + b, 0));
      life.child.kill('SIGKILL');
      await life.exited;
      await producing;
    }
    await produce(sink.topic, pending.flat());

    const ends: Record<number, number> = {};
    for (const record of all) ends[record.partition] = (ends[record.partition] ?? 0) + 1;
    const last = spawnSink(['--mapping', 'raw'], env);
    await started(last, 'the last sink');
    await storedOffsetsReach(sink, ends);
    last.child.kill('SIGTERM');
    expect(await last.exited, last.output().slice(-2_000)).toBe(0);

    // The kills landed at different points of progress (not all before the first commit or after the last).
    expect(new Set(killedAt).size, `progress at each kill: ${killedAt.join(', ')}`).toBeGreaterThan(6);
    expect(await exactlyOnceProblems(sink, all, ends)).toEqual({ rows: [], offsets: [] });
  }, 300_000);
});
