// Starts a replay from a resolved plan. With no group member alive it moves the group's
// committed offsets itself (the classic reset); with instances running it publishes a
// request that each instance applies at its next transaction boundary, so nobody has to
// be stopped. Either way the request lands in the replay-state topic, so instances know
// which records are inside the replay window (and apply the selector to them).
import type { Admin } from '@platformatic/kafka';
import { ReplayError } from './errors.ts';
import type { ReplayPlan } from './plan.ts';
import { publishReplayState, readReplayState, type StateLocation } from './state-store.ts';
import type { ReplayApplied, ReplayRequest } from './state.ts';

export interface StartReplayOptions {
  admin: Admin;
  location: Omit<StateLocation, 'group' | 'topic'>;
  plan: ReplayPlan;
  /** Opaque to topology/core; the application's replay predicate reads it. null selects everything. */
  selector: unknown;
  now: number;
}

export interface StartedReplay {
  mode: 'offline' | 'online';
  request: ReplayRequest;
}

export async function startReplay(options: StartReplayOptions): Promise<StartedReplay> {
  const { admin, plan, selector, now } = options;
  const location: StateLocation = { ...options.location, group: plan.group, topic: plan.topic };
  const state = await readReplayState(location);
  const request: ReplayRequest = {
    kind: 'request',
    epoch: (state.request?.epoch ?? 0) + 1,
    group: plan.group,
    topic: plan.topic,
    createdAt: new Date(now).toISOString(),
    fromMs: plan.fromMs,
    toMs: plan.toMs,
    selector,
    partitions: plan.partitions
      .filter((p) => p.records > 0n)
      .map(({ partition, fromOffset, toOffset, endOffset }) => ({ partition, fromOffset, toOffset, endOffset })),
  };

  if (plan.activeMembers === 0 && await resetOffline(admin, plan)) {
    // Offsets first, marks second: a crash in between re-reads more than asked (harmless,
    // outputs are upserts), never less.
    const applied: ReplayApplied[] = request.partitions.map((target) => {
      const committed = plan.partitions.find((p) => p.partition === target.partition)?.committed;
      return {
        kind: 'applied', epoch: request.epoch, group: plan.group, topic: plan.topic, partition: target.partition,
        fromOffset: target.fromOffset, toOffset: target.toOffset,
        resumeAt: committed !== undefined && committed > target.fromOffset ? committed : target.fromOffset,
      };
    });
    await publishReplayState(location, request, applied);
    return { mode: 'offline', request };
  }
  await publishReplayState(location, request);
  return { mode: 'online', request };
}

/** Moves the group's offsets; false when the broker says the group has come alive meanwhile. */
async function resetOffline(admin: Admin, plan: ReplayPlan): Promise<boolean> {
  const partitionOffsets = plan.partitions.filter((p) => p.records > 0n).map((p) => ({ partition: p.partition, offset: p.fromOffset }));
  if (partitionOffsets.length === 0) return true;
  try {
    await admin.alterConsumerGroupOffsets({ groupId: plan.group, topics: [{ name: plan.topic, partitionOffsets }] });
    return true;
  } catch (error) {
    if (/UNKNOWN_MEMBER_ID|GROUP_SUBSCRIBED|REBALANCE_IN_PROGRESS|ILLEGAL_GENERATION/i.test(describe(error))) return false;
    throw new ReplayError('KAFKA_FAILED', `could not move the offsets of "${plan.group}"`, { cause: error, retryable: true });
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = (error as Error & { errors?: unknown[] }).errors ?? [];
  return [error.message, ...nested.map(describe), error.cause ? describe(error.cause) : ''].join(' ');
}
