// A sink whose instance id is taken by another process (a second replica with the same id, or
// its replacement while it was paused) stops with FENCED instead of taking the id back: with
// the client's plain consumer the two would fence each other in turn. The newcomer writes
// everything, checked by SQL.
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresSink } from '../../../../connectors/postgres/sink-runtime.ts';
import { actualRawRows, expectedRawRows, produce, readings, rowDifferences, sinkSchema, storedOffsets } from '../../../helpers/sink-fixtures.ts';
import { brokers, createTopics, databaseUrl, pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

describe('a sink fenced by a member with its instance id', () => {
  it('stops with FENCED and leaves the partitions to the newcomer, which writes every row', async () => {
    const topic = uniqueName('sink-fenced');
    const dlq = uniqueName('sink-dlq');
    await createTopics([topic, dlq]);
    const schema = sinkSchema();
    const groupId = uniqueName('sink-group');
    const instanceId = uniqueName('sink-instance');
    const sink = (): PostgresSink => {
      const s = new PostgresSink({
        mapping: 'raw', topic, dlqTopic: dlq, schema, connector: 'fenced-sink', groupId, instanceId,
        databaseUrl: databaseUrl(), kafka: { bootstrapBrokers: brokers(), clientId: uniqueName('sink') }, sessionTimeoutMs: 10_000,
      });
      onTestFinished(async () => { await s.stop().catch(() => undefined); });
      return s;
    };
    const data = readings(2_000);
    const client = await pgClient();
    await produce(topic, data.slice(0, 1_000));
    const first = sink();
    await first.start();
    await waitFor(async () => (await storedOffsets(client, schema, 'fenced-sink'))[0] === 1_000, { message: 'the first sink at offset 1000' });

    const second = sink();
    await second.start();
    const fenced = await first.failed;
    expect(fenced.code).toBe('FENCED');
    expect(first.healthy).toBe(false);
    await produce(topic, data.slice(1_000));
    await waitFor(async () => (await storedOffsets(client, schema, 'fenced-sink'))[0] === 2_000, { message: 'the newcomer at offset 2000' });
    expect(second.healthy).toBe(true);
    expect(rowDifferences(expectedRawRows(data), await actualRawRows(client, schema))).toEqual([]);
  });
});
