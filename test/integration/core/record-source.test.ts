// RecordSource is the runtime's only way to move a partition (the client has no seek): these
// prove that reopening at given offsets works, drops what the old stream buffered, and does
// not make the group rebalance. Replay will build on exactly this.
import { FetchIsolationLevels, Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { closeClient } from '../../../topology/core/runtime/kafka-errors.ts';
import { RecordSource } from '../../../topology/core/runtime/record-source.ts';
import type { RuntimeMessage } from '../../../topology/core/runtime/record-source.ts';
import { RuntimeConsumer } from '../../../topology/core/runtime/runtime-consumer.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

async function next(source: RecordSource): Promise<RuntimeMessage> {
  return waitFor(async () => {
    const message = source.take();
    if (message === undefined) await source.wait(200);
    return message;
  }, { message: 'a record from the source' });
}

describe('RecordSource', () => {
  it('reopens a partition at given offsets without a rebalance, discarding what the previous stream had buffered', async () => {
    const topic = uniqueName('source');
    await createTopics([topic]);
    const producer = new Producer({ clientId: uniqueName('input'), bootstrapBrokers: brokers() });
    await producer.send({ messages: [0, 1, 2, 3, 4].map((i) => ({ topic, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })) });
    await producer.close();

    const consumer = new RuntimeConsumer({
      clientId: uniqueName('source'), bootstrapBrokers: brokers(), groupId: uniqueName('source'), groupProtocol: 'classic',
      isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200, autocommit: false, stableOffsetsTimeoutMs: 30_000,
    });
    const source = new RecordSource(consumer, [topic], 100);
    onTestFinished(async () => { await source.close(); await closeClient(consumer, true); });

    await source.open({ mode: 'committed' });  // nothing committed: from the earliest offset
    const generation = source.generation;
    expect((await next(source)).offset).toBe(0n);
    expect((await next(source)).offset).toBe(1n);

    await source.open({ mode: 'manual', offsets: [{ topic, partition: 0, offset: 3n }] });
    const moved = await next(source);
    expect([moved.offset, moved.value.toString()]).toEqual([3n, 'v3']);
    expect(source.generation).toBe(generation);
    expect(consumer.generationId).toBe(generation);

    await source.open({ mode: 'manual', offsets: [{ topic, partition: 0, offset: 1n }] });
    expect((await next(source)).offset).toBe(1n);
  });
});
