import { Consumer, FetchIsolationLevels, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

function transactionalProducer(): Producer<string, string, string, string> {
  const producer = new Producer({
    clientId: uniqueName('tx-producer'), bootstrapBrokers: brokers(), serializers: stringSerializers,
    idempotent: true, transactionalId: uniqueName('tx'),
  });
  onTestFinished(async () => { await producer.close(); });
  return producer;
}

/** Reads `topic` from the beginning, read_committed, until `done` says the values are complete. */
async function readCommitted(topic: string, done: (values: string[]) => boolean): Promise<string[]> {
  const consumer = new Consumer({
    groupId: uniqueName('reader'), clientId: uniqueName('reader'), bootstrapBrokers: brokers(),
    deserializers: stringDeserializers, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  onTestFinished(async () => { await stream.close(); await consumer.close(); });
  const values: string[] = [];
  stream.on('data', (message) => { values.push(message.value); });
  await waitFor(() => done(values), { timeoutMs: 30_000, message: `values on ${topic}` });
  return values;
}

describe('the local Kafka broker', () => {
  it('commits a transaction that a read_committed consumer then reads', async () => {
    const topic = uniqueName('stack-commit');
    await createTopics([topic]);
    const producer = transactionalProducer();

    const tx = await producer.beginTransaction();
    await tx.send({ messages: [{ topic, key: 'a', value: 'one' }, { topic, key: 'b', value: 'two' }] });
    await tx.commit();

    const values = await readCommitted(topic, (seen) => seen.length >= 2);
    expect(values).toEqual(['one', 'two']);
  });

  it('never delivers an aborted transaction to a read_committed consumer', async () => {
    const topic = uniqueName('stack-abort');
    await createTopics([topic]);
    const producer = transactionalProducer();

    const aborted = await producer.beginTransaction();
    await aborted.send({ messages: [{ topic, key: 'x', value: 'aborted' }] });
    await aborted.abort();
    // A committed marker after the aborted batch: once we see it, the aborted one had its chance.
    const committed = await producer.beginTransaction();
    await committed.send({ messages: [{ topic, key: 'y', value: 'committed' }] });
    await committed.commit();

    const values = await readCommitted(topic, (seen) => seen.includes('committed'));
    expect(values).toEqual(['committed']);
  });
});
