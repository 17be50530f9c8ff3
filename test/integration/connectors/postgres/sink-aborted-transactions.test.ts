// Records of aborted transactions never reach Postgres, however many of one producer's aborted
// transactions arrive in one fetch response. @platformatic/kafka keeps only the last aborted
// range per producer (test/integration/core/client-behaviour.test.ts), so without the runtime's
// consumer the first of two aborted transactions leaked into the table. Checked by SQL.
import { Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresSink } from '../../../../connectors/postgres/sink-runtime.ts';
import { actualRawRows, readings, sinkSchema, storedOffsets } from '../../../helpers/sink-fixtures.ts';
import { brokers, createTopics, databaseUrl, pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

describe('the Postgres sink and aborted transactions', () => {
  it('writes only committed rows when two aborted transactions of one producer come in the same fetch as committed ones', async () => {
    const topic = uniqueName('sink-aborted');
    const dlq = uniqueName('sink-dlq');
    await createTopics([topic, dlq]);
    const schema = sinkSchema();
    const producer = new Producer({ clientId: uniqueName('tx'), bootstrapBrokers: brokers(), idempotent: true, transactionalId: uniqueName('tx') });
    onTestFinished(async () => { await producer.close(); });
    const data = readings(40);
    const send = async (from: number, to: number, commit: boolean): Promise<void> => {
      const tx = await producer.beginTransaction();
      await tx.send({ messages: data.slice(from, to).map((r) => ({ topic, partition: 0, key: Buffer.from(r.key), value: Buffer.from(r.value!) })) });
      if (commit) await tx.commit();
      else await tx.abort();
    };
    // Everything is on the topic before the sink starts, so its first fetch holds all of it.
    await send(0, 10, true); //   offsets 0-9 committed, marker 10
    await send(10, 20, false); // offsets 11-20 aborted, marker 21
    await send(20, 30, false); // offsets 22-31 aborted, marker 32
    await send(30, 40, true); //  offsets 33-42 committed, marker 43
    const sink = new PostgresSink({
      mapping: 'raw', topic, dlqTopic: dlq, schema, connector: 'aborted-sink', groupId: uniqueName('sink-group'),
      databaseUrl: databaseUrl(), kafka: { bootstrapBrokers: brokers(), clientId: uniqueName('sink') }, sessionTimeoutMs: 10_000,
    });
    onTestFinished(async () => { await sink.stop(); });
    await sink.start();

    const client = await pgClient();
    await waitFor(async () => (await storedOffsets(client, schema, 'aborted-sink'))[0] === 44, { message: 'offset 44, past the last marker' });
    const rows = await actualRawRows(client, schema);
    const committed = [...data.slice(0, 10), ...data.slice(30, 40)].map((r) => (JSON.parse(r.value!) as { value: number }).value);
    expect([...rows.values()].sort((a, b) => a - b)).toEqual(committed.sort((a, b) => a - b));
  });
});
