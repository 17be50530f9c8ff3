import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { planReplay, planRecords } from '../../../../topology/core/replay/plan.ts';
import { startReplay } from '../../../../topology/core/replay/start-replay.ts';
import { readReplayState } from '../../../../topology/core/replay/state-store.ts';
import { brokers, createTopics, uniqueName } from '../../../helpers/stack.ts';

function admin(): Admin {
  const client = new Admin({ clientId: uniqueName('replay-admin'), bootstrapBrokers: brokers() });
  onTestFinished(async () => { await client.close(); });
  return client;
}

/** Writes `count` records per partition with record timestamps base, base+1000, ... */
async function seed(topic: string, partitions: number, count: number, base: number): Promise<void> {
  const producer = new Producer({ clientId: uniqueName('seed'), bootstrapBrokers: brokers(), serializers: stringSerializers });
  try {
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < count; i++) messages.push({ topic, partition: p, key: `k${p}-${i}`, value: `v${i}`, timestamp: BigInt(base + i * 1000) });
    }
    await producer.send({ messages });
  } finally {
    await producer.close();
  }
}

/** Commits `offset` for every partition of `topic` in `group`, as a stopped calibrator would have left it. */
async function commitGroup(group: string, topic: string, partitions: number, offset: bigint): Promise<void> {
  const a = new Admin({ clientId: uniqueName('commit'), bootstrapBrokers: brokers() });
  try {
    await a.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: topic, partitionOffsets: Array.from({ length: partitions }, (_, partition) => ({ partition, offset })) }] });
  } finally {
    await a.close();
  }
}

describe('replay planning and the offline reset', () => {
  it('resolves per partition the first offset at or after --from and --to, and the end', async () => {
    const topic = uniqueName('replay-plan');
    const group = uniqueName('replay-group');
    await createTopics([topic], { partitions: 2 });
    const base = Date.parse('2026-01-01T00:00:00Z');
    await seed(topic, 2, 10, base);
    await commitGroup(group, topic, 2, 10n);

    const plan = await planReplay(admin(), { topic, group, fromMs: base + 3000, toMs: base + 7000, now: Date.now() });
    expect(plan.activeMembers).toBe(0);
    expect(plan.partitions).toEqual([
      { partition: 0, fromOffset: 3n, toOffset: 7n, endOffset: 10n, committed: 10n, records: 4n },
      { partition: 1, fromOffset: 3n, toOffset: 7n, endOffset: 10n, committed: 10n, records: 4n },
    ]);
    expect(planRecords(plan)).toBe(8n);
  });

  it('names the missing topic, the unknown group and a reversed range', async () => {
    const topic = uniqueName('replay-plan');
    await createTopics([topic]);
    const now = Date.now();
    await expect(planReplay(admin(), { topic: uniqueName('no-such-topic'), group: 'g', fromMs: now - 1000, now }))
      .rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await expect(planReplay(admin(), { topic, group: uniqueName('never-ran'), fromMs: now - 1000, now }))
      .rejects.toMatchObject({ code: 'UNKNOWN_GROUP' });
    await expect(planReplay(admin(), { topic, group: 'g', fromMs: now - 1000, toMs: now - 2000, now }))
      .rejects.toMatchObject({ code: 'INVALID_RANGE' });
  });

  it('moves the offsets of a group with no members and records the request and applied marks', async () => {
    const topic = uniqueName('replay-offline');
    const stateTopic = uniqueName('replay-state');
    const group = uniqueName('replay-group');
    await createTopics([topic], { partitions: 2 });
    await createTopics([stateTopic], { configs: { 'cleanup.policy': 'compact' } });
    const base = Date.parse('2026-01-01T00:00:00Z');
    await seed(topic, 2, 10, base);
    await commitGroup(group, topic, 2, 10n);

    const client = admin();
    const plan = await planReplay(client, { topic, group, fromMs: base + 5000, now: Date.now() });
    const location = { connection: { bootstrapBrokers: brokers() }, stateTopic };
    const started = await startReplay({ admin: client, location, plan, selector: { sensors: ['s1'] }, now: Date.now() });
    expect(started.mode).toBe('offline');
    expect(started.request.epoch).toBe(1);

    const offsets = await client.listConsumerGroupOffsets({ groups: [group] });
    const committed = offsets[0]!.topics.find((t) => t.name === topic)!.partitions.map((p): [number, bigint] => [p.partitionIndex, p.committedOffset]);
    expect(new Map(committed)).toEqual(new Map([[0, 5n], [1, 5n]]));

    const state = await readReplayState({ ...location, group, topic });
    expect(state.request?.selector).toEqual({ sensors: ['s1'] });
    expect(state.applied.get(0)).toMatchObject({ epoch: 1, fromOffset: 5n, resumeAt: 10n });

    // A second replay gets the next epoch.
    const again = await startReplay({ admin: client, location, plan, selector: null, now: Date.now() });
    expect(again.request.epoch).toBe(2);
  });

  it('publishes a request instead of moving offsets while the group has a live member', async () => {
    const topic = uniqueName('replay-online');
    const stateTopic = uniqueName('replay-state');
    const group = uniqueName('replay-group');
    await createTopics([topic]);
    await createTopics([stateTopic], { configs: { 'cleanup.policy': 'compact' } });
    const base = Date.parse('2026-01-01T00:00:00Z');
    await seed(topic, 1, 10, base);
    await commitGroup(group, topic, 1, 10n);
    const member = new Consumer({ groupId: group, clientId: uniqueName('member'), bootstrapBrokers: brokers() });
    const stream = await member.consume({ topics: [topic], mode: 'committed', autocommit: false });
    onTestFinished(async () => { await stream.close(); await member.close(); });

    const client = admin();
    const plan = await planReplay(client, { topic, group, fromMs: base + 2000, now: Date.now() });
    expect(plan.activeMembers).toBe(1);
    const started = await startReplay({ admin: client, location: { connection: { bootstrapBrokers: brokers() }, stateTopic }, plan, selector: null, now: Date.now() });
    expect(started.mode).toBe('online');
    const offsets = await client.listConsumerGroupOffsets({ groups: [group] });
    expect(offsets[0]!.topics.find((t) => t.name === topic)!.partitions[0]!.committedOffset).toBe(10n);
  });
});
