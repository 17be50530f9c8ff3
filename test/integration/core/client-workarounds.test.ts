import { Producer, stringSerializers } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { freshProducerIdentity } from '../../../topology/core/client-workarounds.ts';
import { brokers, createTopics, uniqueName } from '../../helpers/stack.ts';

async function commitOnce(topic: string, transactionalId: string, extra: object): Promise<void> {
  const producer = new Producer({
    clientId: uniqueName('workaround'), bootstrapBrokers: brokers(), serializers: stringSerializers,
    idempotent: true, transactionalId, retries: 0, ...extra,
  });
  try {
    const tx = await producer.beginTransaction();
    await tx.send({ messages: [{ topic, key: 'k', value: 'v' }] });
    await tx.commit();
  } finally {
    await producer.close();
  }
}

function apiErrors(error: unknown): string[] {
  const nested = (error as { errors?: { apiId?: string }[] }).errors ?? [];
  return nested.map((e) => e.apiId ?? '');
}

describe('@platformatic/kafka transactional producer identity (1.35 and 2.12 alike)', () => {
  it('by default cannot reuse a transactionalId after the previous producer closed (the client bug)', async () => {
    const topic = uniqueName('workaround');
    await createTopics([topic]);
    const id = uniqueName('txid');
    await commitOnce(topic, id, {});
    const second = await commitOnce(topic, id, {}).then(() => 'committed', (error: unknown) => apiErrors(error));
    // When this starts failing, the client fixed the bug: drop freshProducerIdentity.
    expect(second).toEqual(['PRODUCER_FENCED']);
  });

  it('reuses a transactionalId across producers with freshProducerIdentity', async () => {
    const topic = uniqueName('workaround');
    await createTopics([topic]);
    const id = uniqueName('txid');
    for (let round = 0; round < 3; round++) await commitOnce(topic, id, freshProducerIdentity);
  });
});
