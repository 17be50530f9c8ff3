// The Connect-mode gate (connectors/postgres/connect-gate.ts) against the broker: it admits
// what a consumer group has committed, per partition of its topic only, wakes waiters when that
// moves, never moves back, and says why it admits nothing while the broker cannot be reached.
// The group's offsets are set with the Admin API, as a Connect worker's commits would set them.
import { Admin } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConnectGate, connectorGroup } from '../../../connectors/postgres/connect-gate.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

async function commit(group: string, topic: string, offsets: Record<number, bigint>): Promise<void> {
  const admin = new Admin({ clientId: uniqueName('connect-gate-test'), bootstrapBrokers: brokers() });
  try {
    await admin.alterConsumerGroupOffsets({
      groupId: group, topics: [{ name: topic, partitionOffsets: Object.entries(offsets).map(([partition, offset]) => ({ partition: Number(partition), offset })) }],
    });
  } finally {
    await admin.close();
  }
}

function gateFor(group: string, topic: string, bootstrap = brokers()): ConnectGate {
  const gate = new ConnectGate({ kafka: { clientId: uniqueName('connect-gate'), bootstrapBrokers: bootstrap }, group, topic, pollIntervalMs: 50 });
  onTestFinished(() => gate.close());
  return gate;
}

describe('ConnectGate', () => {
  it('admits what the connector group has committed on the raw topic, per partition, and wakes waiters when it moves', async () => {
    const topic = uniqueName('connect-gate-raw');
    const other = uniqueName('connect-gate-other');
    await createTopics([topic, other], { partitions: 2 });
    const group = connectorGroup(uniqueName('raw-jdbc-sink'));
    onTestFinished(async () => {
      const admin = new Admin({ clientId: uniqueName('connect-gate-cleanup'), bootstrapBrokers: brokers() });
      await admin.deleteGroups({ groups: [group] }).catch(() => undefined).finally(() => admin.close());
    });
    const gate = gateFor(group, topic);
    await gate.start();
    expect(gate.admittedUpTo(topic, 0)).toBeUndefined();
    expect(gate.unavailableReason).toBeUndefined();

    const woken = gate.changed(new AbortController().signal);
    await commit(group, topic, { 0: 5n, 1: 2n });
    await commit(group, other, { 0: 100n });
    await woken;
    await waitFor(() => gate.admittedUpTo(topic, 0) === 5n && gate.admittedUpTo(topic, 1) === 2n, { timeoutMs: 10_000, message: 'offsets 5 and 2 admitted' });
    expect(gate.admittedUpTo(other, 0)).toBeUndefined();
    expect(gate.admittedAt(topic, 0, 4n)).toBeTypeOf('number');
    expect(gate.admittedAt(topic, 0, 5n)).toBeUndefined();

    await commit(group, topic, { 0: 9n });
    await waitFor(() => gate.admittedUpTo(topic, 0) === 9n, { timeoutMs: 10_000, message: 'offset 9 admitted' });
    // A reset of the group (e.g. a connector recreated) never takes back what was admitted: the
    // same commit moves partition 1 on, so once that is admitted the reset has been read too.
    await commit(group, topic, { 0: 1n, 1: 7n });
    await waitFor(() => gate.admittedUpTo(topic, 1) === 7n, { timeoutMs: 10_000, message: 'offset 7 of partition 1 admitted' });
    expect(gate.admittedUpTo(topic, 0)).toBe(9n);
  });

  it('admits nothing and says why while the broker cannot be reached, without throwing', async () => {
    const gate = gateFor('connect-nobody', 'nowhere', ['127.0.0.1:1']);
    await gate.start();
    expect(gate.admittedUpTo('nowhere', 0)).toBeUndefined();
    expect(gate.unavailableReason).toMatch(/cannot read the committed offsets of connect-nobody/);
  });

  it('refuses a missing group or topic and a poll interval that is not positive, naming the option', () => {
    const kafka = { clientId: 'x', bootstrapBrokers: brokers() };
    expect(() => new ConnectGate({ kafka, group: '', topic: 't' })).toThrow(/option group/);
    expect(() => new ConnectGate({ kafka, group: 'g', topic: '' })).toThrow(/option topic/);
    expect(() => new ConnectGate({ kafka, group: 'g', topic: 't', pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
  });
});
