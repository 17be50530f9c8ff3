// Partitions moving between sink instances of one group: whoever is assigned a partition
// resumes from the offset stored in Postgres, so rows and offsets stay exact while members
// join, leave cleanly and crash.
import { describe, expect, it } from 'vitest';
import { started } from '../../../helpers/pipeline-processes.ts';
import type { PipelineProcess } from '../../../helpers/pipeline-processes.ts';
import { auditedRawSink, exactlyOnceProblems, produce, readings, spawnSink, storedOffsets, storedOffsetsReach } from '../../../helpers/sink-fixtures.ts';
import { uniqueName, waitFor } from '../../../helpers/stack.ts';

describe('sink instances sharing a consumer group', () => {
  it('hand partitions over through stored offsets as members join, leave and crash', async () => {
    const sink = await auditedRawSink('rebalance', 4);
    const env = { ...sink.env, KALIBRA_GROUP_ID: uniqueName('rebalance'), KALIBRA_SINK_BATCH_SIZE: '500', KALIBRA_SINK_SESSION_TIMEOUT: '6s' };
    const start = async (id: string): Promise<PipelineProcess> => {
      const instance = spawnSink(['--mapping', 'raw'], { ...env, KALIBRA_INSTANCE_ID: id });
      await started(instance, id);
      return instance;
    };
    const data = readings(40_000, { sensors: 80, partitions: 4 });
    const chunks = Array.from({ length: 8 }, (_, i) => data.slice(i * 5_000, (i + 1) * 5_000));
    const progress = async (): Promise<number> => Object.values(await storedOffsets(sink.client, sink.schema, sink.connector)).reduce((a, b) => a + b, 0);

    const a = await start('a');
    const b = await start('b');
    for (const chunk of chunks.slice(0, 2)) await produce(sink.topic, chunk);
    await waitFor(async () => await progress() >= 5_000, { timeoutMs: 60_000, message: 'both working' });

    a.child.kill('SIGTERM'); // leaves the group: b takes its partitions over
    expect(await a.exited).toBe(0);
    for (const chunk of chunks.slice(2, 4)) await produce(sink.topic, chunk);
    const c = await start('c'); // joins: partitions are split again
    for (const chunk of chunks.slice(4, 6)) await produce(sink.topic, chunk);
    await waitFor(async () => await progress() >= 25_000, { timeoutMs: 60_000, message: 'progress after the join' });
    b.child.kill('SIGKILL'); // crashes: c gets everything once b's session times out
    await b.exited;
    for (const chunk of chunks.slice(6)) await produce(sink.topic, chunk);

    const ends = { 0: 10_000, 1: 10_000, 2: 10_000, 3: 10_000 };
    await storedOffsetsReach(sink, ends);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.output()).toMatch(/"msg":"resuming from stored offsets".*"partitions":\[0,1,2,3\]/);
    expect(await exactlyOnceProblems(sink, data, ends)).toEqual({ rows: [], offsets: [] });
  });
});
