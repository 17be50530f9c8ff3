// The runtime's view of the replay state: after catchUp() it has folded everything committed to
// the state topic before the call, even a transaction whose commit returned a moment ago (its
// markers may still be on their way to the partition), so a new owner never processes before
// it knows the marks; and never a mark whose transaction was aborted (a refused apply must
// not count as applied).
import { Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freshProducerIdentity } from '../../../topology/core/client-workarounds.ts';
import { appliedKey, encodeState, requestKey } from '../../../topology/core/replay/state.ts';
import type { ReplayApplied, ReplayRequest } from '../../../topology/core/replay/state.ts';
import { resolveOptions } from '../../../topology/core/runtime/options.ts';
import { ReplayStateTail } from '../../../topology/core/runtime/replay-state-tail.ts';
import type { TaskFactory } from '../../../topology/core/task.ts';
import { brokers, createTopics, uniqueName } from '../../helpers/stack.ts';

const group = 'calibrator';
const source = 'raw';

function request(epoch: number): ReplayRequest {
  return {
    kind: 'request', epoch, group, topic: source, createdAt: new Date().toISOString(), fromMs: 0, toMs: null, selector: null,
    partitions: [{ partition: 0, fromOffset: 10n, toOffset: 20n, endOffset: 20n }],
  };
}

function applied(epoch: number, resumeAt: bigint): ReplayApplied {
  return { kind: 'applied', epoch, group, topic: source, partition: 0, fromOffset: 10n, resumeAt, toOffset: 20n };
}

function tailOf(stateTopic: string): ReplayStateTail {
  const factory: TaskFactory = {
    sourceTopics: [source], sinkTopics: [],
    createTask: () => ({ process: () => undefined, punctuate: () => undefined, close: () => undefined }),
  };
  const tail = new ReplayStateTail(resolveOptions({ brokers: brokers(), applicationId: group, instanceId: uniqueName('i'), taskFactory: factory, replay: { stateTopic } }), stateTopic);
  onTestFinished(() => tail.close());
  return tail;
}

describe('the runtime\'s replay-state tail', () => {
  it('has folded every committed mark once catchUp() resolves, and none of an aborted transaction', async () => {
    const stateTopic = uniqueName('replay-tail-state');
    await createTopics([stateTopic], { configs: { 'cleanup.policy': 'compact' } });
    const producer = new Producer({ clientId: uniqueName('state-writer'), bootstrapBrokers: brokers(), ...freshProducerIdentity, idempotent: true, transactionalId: uniqueName('state-writer') });
    onTestFinished(() => producer.close());
    const write = async (records: (ReplayRequest | ReplayApplied)[], commit: boolean): Promise<void> => {
      const tx = await producer.beginTransaction();
      await tx.send({
        messages: records.map((r) => ({
          topic: stateTopic, value: encodeState(r),
          key: Buffer.from(r.kind === 'request' ? requestKey(r.group, r.topic) : appliedKey(r.group, r.topic, r.partition)),
        })),
      });
      if (commit) await tx.commit(); else await tx.abort();
    };
    await write([request(1), applied(1, 30n)], true);
    await write([request(2)], true);
    // An apply whose transaction was aborted (e.g. fenced by a rebalance), then another one.
    await write([applied(2, 40n)], false);
    await write([applied(2, 45n)], false);
    await write([{ ...request(1), group: 'someone-else' }], true);

    const tail = tailOf(stateTopic);
    await tail.start();
    await tail.catchUp(30_000);
    const state = tail.state(source);
    expect(state.request?.epoch).toBe(2);
    expect(state.applied.get(0)).toEqual(applied(1, 30n));

    await write([applied(2, 50n)], true);
    await tail.catchUp(30_000);
    expect(tail.state(source).applied.get(0)).toEqual(applied(2, 50n));
  }, 60_000);
});
