// What the runtime relies on from @platformatic/kafka (2.12; 1.35 behaved the same) and the broker, each proven against the
// real broker (docs/architecture.md#kafka-client-notes). Where the client is wrong, the test asserts the broken
// behaviour of the plain client AND that the runtime's one workaround fixes it, so an upstream
// fix shows up here as a failing test that says the workaround can go.
import { Consumer, FetchIsolationLevels, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import type { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { classifyFailure, closeClient, isKafkaError } from '../../../topology/core/runtime/kafka-errors.ts';
import { RuntimeConsumer } from '../../../topology/core/runtime/runtime-consumer.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

type StringProducer = Producer<string, string, string, string>;

function producer(transactionalId: string, extra: { producerId?: bigint; producerEpoch?: number; timeout?: number } = {}): StringProducer {
  const p = new Producer({
    clientId: uniqueName('probe'), bootstrapBrokers: brokers(), serializers: stringSerializers,
    idempotent: true, transactionalId, ...extra,
  });
  onTestFinished(() => closeClient(p, true));
  return p;
}

function groupConsumer(groupId: string, groupInstanceId?: string): Consumer<string, string, string, string> {
  const c = new Consumer({
    clientId: uniqueName('probe'), bootstrapBrokers: brokers(), groupId, groupProtocol: 'classic', ...(groupInstanceId ? { groupInstanceId } : {}),
    deserializers: stringDeserializers, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200,
    sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500,
  });
  onTestFinished(() => closeClient(c, true));
  return c;
}

/** Reads `topic` read_committed from the start until `until` appears; returns every value seen. */
async function readUntil(consumer: Consumer<string, string, string, string> | RuntimeConsumer, topic: string, until: string): Promise<string[]> {
  const options = { topics: [topic], mode: 'earliest' as const, autocommit: false };
  const stream: Readable = consumer instanceof RuntimeConsumer ? await consumer.consume(options) : await consumer.consume(options);
  const values: string[] = [];
  stream.on('data', (message: Message<unknown, unknown, unknown, unknown>) => {
    const value = message.value;
    values.push(Buffer.isBuffer(value) ? value.toString() : String(value));
  });
  await waitFor(() => values.includes(until), { timeoutMs: 60_000, message: `${until} on ${topic}` });
  stream.destroy();
  return values;
}

function runtimeConsumer(groupId: string, groupInstanceId?: string): RuntimeConsumer {
  const c = new RuntimeConsumer({
    clientId: uniqueName('runtime-consumer'), bootstrapBrokers: brokers(), groupId, groupProtocol: 'classic', ...(groupInstanceId ? { groupInstanceId } : {}),
    sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200, stableOffsetsTimeoutMs: 60_000,
  });
  onTestFinished(() => closeClient(c, true));
  return c;
}

describe('@platformatic/kafka as the runtime uses it', () => {
  it('refuses a restarted producer with the same transactionalId (PRODUCER_FENCED) unless it asks for a fresh producer id, which aborts the open transaction at once', async () => {
    const topic = uniqueName('probe-fence');
    await createTopics([topic]);
    const transactionalId = uniqueName('stable-tx');
    // The "crashed" incarnation: a transaction left open with a 10-minute timeout.
    const crashed = producer(transactionalId, { timeout: 600_000 });
    const open = await crashed.beginTransaction();
    await open.send({ messages: [{ topic, key: 'k', value: 'never-committed' }] });

    // The client's default InitProducerId (producerId 0, epoch 0) is refused.
    const naive = producer(transactionalId);
    const refused = await naive.beginTransaction().then(() => undefined, (error: unknown) => error);
    expect(isKafkaError(refused, 'PRODUCER_FENCED')).toBe(true);

    // The runtime's way: producerId -1 / epoch -1, i.e. "give me this id's current producer".
    const restarted = producer(transactionalId, { producerId: -1n, producerEpoch: -1 });
    const tx = await restarted.beginTransaction();
    await tx.send({ messages: [{ topic, key: 'k', value: 'after-restart' }] });
    await tx.commit();

    // A read_committed reader gets past the open transaction long before its 10-minute timeout.
    const values = await readUntil(groupConsumer(uniqueName('reader')), topic, 'after-restart');
    expect(values).toEqual(['after-restart']);
    // And the fenced incarnation can no longer commit.
    const late = await open.commit().then(() => undefined, (error: unknown) => error);
    expect(classifyFailure(late)).toBe('producer-fenced');
  });

  it('delivers an earlier aborted transaction of the same producer to a plain read_committed consumer, and not through RuntimeConsumer', async () => {
    const topic = uniqueName('probe-aborted');
    await createTopics([topic]);
    const p = producer(uniqueName('tx'));
    for (const [value, commit] of [['c1', true], ['a1', false], ['a2', false], ['c2', true], ['a3', false], ['c3', true]] as const) {
      const tx = await p.beginTransaction();
      await tx.send({ messages: [{ topic, key: value, value }] });
      if (commit) await tx.commit();
      else await tx.abort();
    }
    // The client keys aborted ranges by producer id and keeps only the last one: a1 leaks.
    const plain = await readUntil(groupConsumer(uniqueName('plain')), topic, 'c3');
    expect(plain).toContain('a1');
    const fixed = await readUntil(runtimeConsumer(uniqueName('fixed')), topic, 'c3');
    expect(fixed).toEqual(['c1', 'c2', 'c3']);
  });

  it('reads a committed offset without waiting for a pending transactional commit in the plain client; RuntimeConsumer waits for it (require_stable)', async () => {
    const topic = uniqueName('probe-stable');
    await createTopics([topic]);
    const plain = producer(uniqueName('tx'));
    const seed = await plain.beginTransaction();
    await seed.send({ messages: [{ topic, key: 'k', value: 'v' }] });
    await seed.commit();

    const groupId = uniqueName('stable-group');
    const member = groupConsumer(groupId);
    const stream = await member.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const message = await new Promise<Message<string, string, string, string>>((resolve) => stream.once('data', resolve));
    await stream.close();

    const txProducer = producer(uniqueName('tx'));
    const tx = await txProducer.beginTransaction();
    await tx.addConsumer(member as unknown as Consumer);
    await tx.addOffset(message as unknown as Message);  // pending: offset 1, not yet committed

    const assignment = [{ topic, partitions: [0] }];
    const unstable = await member.listCommittedOffsets({ topics: assignment });
    expect(unstable.get(topic)?.[0]).toBe(-1n);  // the plain client does not see that a commit is pending

    const waiting = runtimeConsumer(groupId);
    const stable = waiting.listCommittedOffsets({ topics: assignment });
    await waitFor(() => waiting.unstableOffsetWaits > 0, { message: 'RuntimeConsumer to meet UNSTABLE_OFFSET_COMMIT' });
    await tx.commit();
    expect((await stable).get(topic)?.[0]).toBe(1n);  // message.offset + 1
  });

  it('refuses a transactional offset commit sent with a stale group generation (ILLEGAL_GENERATION), so a zombie must abort', async () => {
    const topic = uniqueName('probe-generation');
    await createTopics([topic]);
    const seed = producer(uniqueName('tx'));
    const t = await seed.beginTransaction();
    await t.send({ messages: [{ topic, key: 'k', value: 'v' }] });
    await t.commit();

    const groupId = uniqueName('generation-group');
    const first = groupConsumer(groupId);
    const stream = await first.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const message = await new Promise<Message<string, string, string, string>>((resolve) => stream.once('data', resolve));
    const staleGeneration = first.generationId;

    // A second member joins: the group moves to a new generation.
    const second = groupConsumer(groupId);
    const secondStream = await second.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    onTestFinished(async () => { await secondStream.close(); await stream.close(); });
    await waitFor(() => first.generationId > staleGeneration && second.generationId === first.generationId,
      { timeoutMs: 60_000, message: 'the rebalance to finish' });

    const tx = await producer(uniqueName('tx')).beginTransaction();
    await tx.addConsumer(first as unknown as Consumer);
    const refused = await tx.addOffset(message as unknown as Message).then(() => undefined, (error: unknown) => error);
    expect(isKafkaError(refused, 'ILLEGAL_GENERATION')).toBe(true);
    expect(classifyFailure(refused)).toBe('generation-stale');
    await tx.abort();
  });

  it("sends the producer's `timeout` as the transaction timeout: an abandoned transaction stops blocking readers without being fenced", async () => {
    const topic = uniqueName('probe-timeout');
    await createTopics([topic]);
    const abandoned = producer(uniqueName('abandoned'), { timeout: 2_000 });
    const open = await abandoned.beginTransaction();
    await open.send({ messages: [{ topic, key: 'k', value: 'abandoned' }] });
    const other = producer(uniqueName('tx'));
    const tx = await other.beginTransaction();
    await tx.send({ messages: [{ topic, key: 'k', value: 'later' }] });
    await tx.commit();
    // With Java's default (60 s) this would not finish within the wait; the broker's abort
    // sweep runs every 10 s (transaction.abort.timed.out.transaction.cleanup.interval.ms).
    const values = await readUntil(groupConsumer(uniqueName('reader')), topic, 'later');
    expect(values).toEqual(['later']);
  }, 90_000);
  it('rejoins and fences the newcomer back when another member takes its group.instance.id in the plain client (2.x); RuntimeConsumer leaves and reports FENCED_INSTANCE_ID instead', async () => {
    const topic = uniqueName('probe-static');
    await createTopics([topic]);
    const consume = { topics: [topic], mode: 'earliest' as const, autocommit: false };
    /** Starts `first`, then `second` with the same group.instance.id; the errors `fenced` reports. */
    const fencedOnce = async (first: () => Promise<unknown>, second: () => Promise<unknown>, fenced: RuntimeConsumer): Promise<unknown[]> => {
      const errors: unknown[] = [];
      fenced.on('consumer:heartbeat:error', ({ error }: { error: unknown }) => errors.push(error));
      await first();
      await second();
      await waitFor(() => errors.length > 0, { timeoutMs: 30_000, message: 'FENCED_INSTANCE_ID' });
      await new Promise((resolve) => setTimeout(resolve, 3_000));  // several heartbeat intervals: no fight back
      return errors;
    };

    // The plain client, fenced by a newcomer (a RuntimeConsumer, so that it does not fight on),
    // rejoins under a new member id and takes the instance id back: the newcomer is the one fenced.
    const plainGroup = uniqueName('static-plain');
    const plainInstance = uniqueName('static');
    const plain = groupConsumer(plainGroup, plainInstance);
    const newcomer = runtimeConsumer(plainGroup, plainInstance);
    let plainMember: string | null = null;
    plain.once('consumer:group:join', ({ memberId }: { memberId: string }) => { plainMember = memberId; });
    const newcomerFenced = await fencedOnce(() => plain.consume(consume), () => newcomer.consume(consume), newcomer);
    expect(isKafkaError(newcomerFenced[0], 'FENCED_INSTANCE_ID')).toBe(true);
    expect(plain.memberId).not.toBeNull();
    expect(plain.memberId).not.toBe(plainMember);

    // RuntimeConsumer fenced by a newcomer reports it once and stays out; the newcomer keeps its membership.
    const group = uniqueName('static-runtime');
    const instance = uniqueName('static');
    const zombie = runtimeConsumer(group, instance);
    const owner = groupConsumer(group, instance);
    let ownerMember: string | null = null;
    owner.once('consumer:group:join', ({ memberId }: { memberId: string }) => { ownerMember = memberId; });
    const zombieFenced = await fencedOnce(() => zombie.consume(consume), () => owner.consume(consume), zombie);
    expect(zombieFenced).toHaveLength(1);
    expect(isKafkaError(zombieFenced[0], 'FENCED_INSTANCE_ID')).toBe(true);
    expect(owner.memberId).toBe(ownerMember);
  });
});
