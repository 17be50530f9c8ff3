// Resolves what a replay will re-read: per partition of the source topic, the first offset
// at or after --from (ListOffsets by timestamp), the first at or after --to, the end of the
// log now, and where the group stands. Reads only; changes nothing.
import type { Admin } from '@platformatic/kafka';
import { ReplayError } from './errors.ts';

export interface PartitionPlan {
  partition: number;
  fromOffset: bigint;
  toOffset: bigint;
  endOffset: bigint;
  /** The group's committed offset, or undefined when it has none for this partition. */
  committed: bigint | undefined;
  /** Records the replay re-reads in the window [fromOffset, toOffset). */
  records: bigint;
}

export interface ReplayPlan {
  topic: string;
  group: string;
  fromMs: number;
  toMs: number | null;
  /** Group members right now: zero means the offline (classic) reset is safe. */
  activeMembers: number;
  partitions: PartitionPlan[];
}

export interface PlanOptions {
  topic: string;
  group: string;
  fromMs: number;
  toMs?: number | null;
  now: number;
}

const LATEST = -1n;

export async function planReplay(admin: Admin, options: PlanOptions): Promise<ReplayPlan> {
  const { topic, group, fromMs, now } = options;
  const toMs = options.toMs ?? null;
  if (fromMs > now) throw new ReplayError('INVALID_RANGE', `--from ${new Date(fromMs).toISOString()} is in the future`);
  if (toMs !== null && toMs <= fromMs) {
    throw new ReplayError('INVALID_RANGE', `--from ${new Date(fromMs).toISOString()} must be before --to ${new Date(toMs).toISOString()}`);
  }

  const partitions = await partitionsOf(admin, topic);
  const [groupInfo, committed] = await Promise.all([describeGroup(admin, group), committedOffsets(admin, group, topic)]);
  if (committed.size === 0 && groupInfo.members === 0) {
    throw new ReplayError('UNKNOWN_GROUP', `consumer group "${group}" has no committed offsets on ${topic}: nothing to replay for it`);
  }

  const [fromOffsets, toOffsets, endOffsets] = await Promise.all([
    offsetsAt(admin, topic, partitions, BigInt(fromMs)),
    toMs === null ? Promise.resolve(undefined) : offsetsAt(admin, topic, partitions, BigInt(toMs)),
    offsetsAt(admin, topic, partitions, LATEST),
  ]);

  const plans = partitions.map((partition): PartitionPlan => {
    const endOffset = endOffsets.get(partition) ?? 0n;
    // ListOffsets answers -1 when no record has a timestamp at or after the target: the end.
    const resolve = (offset: bigint | undefined): bigint => (offset === undefined || offset < 0n ? endOffset : offset);
    const fromOffset = resolve(fromOffsets.get(partition));
    const toOffset = toOffsets ? resolve(toOffsets.get(partition)) : endOffset;
    return {
      partition, fromOffset, toOffset, endOffset, committed: committed.get(partition),
      records: toOffset > fromOffset ? toOffset - fromOffset : 0n,
    };
  });
  return { topic, group, fromMs, toMs, activeMembers: groupInfo.members, partitions: plans };
}

async function partitionsOf(admin: Admin, topic: string): Promise<number[]> {
  let metadata;
  try {
    metadata = await admin.metadata({ topics: [topic] });
  } catch (error) {
    throw new ReplayError('UNKNOWN_TOPIC', `topic "${topic}" does not exist`, { cause: error });
  }
  const info = metadata.topics.get(topic);
  if (!info) throw new ReplayError('UNKNOWN_TOPIC', `topic "${topic}" does not exist`);
  return Array.from({ length: info.partitionsCount }, (_, index) => index);
}

async function describeGroup(admin: Admin, group: string): Promise<{ members: number; state: string }> {
  try {
    const groups = await admin.describeGroups({ groups: [group] });
    const info = groups.get(group);
    return { members: info?.members.size ?? 0, state: info?.state ?? 'DEAD' };
  } catch (error) {
    throw new ReplayError('KAFKA_FAILED', `could not describe consumer group "${group}"`, { cause: error, retryable: true });
  }
}

async function committedOffsets(admin: Admin, group: string, topic: string): Promise<Map<number, bigint>> {
  const result = new Map<number, bigint>();
  try {
    const groups = await admin.listConsumerGroupOffsets({ groups: [group] });
    for (const g of groups) {
      for (const t of g.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (p.committedOffset >= 0n) result.set(p.partitionIndex, p.committedOffset);
      }
    }
  } catch (error) {
    throw new ReplayError('KAFKA_FAILED', `could not read the committed offsets of "${group}"`, { cause: error, retryable: true });
  }
  return result;
}

async function offsetsAt(admin: Admin, topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, bigint>> {
  try {
    const listed = await admin.listOffsets({
      isolationLevel: 1,
      topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
    });
    const result = new Map<number, bigint>();
    for (const t of listed) for (const p of t.partitions) result.set(p.partitionIndex, p.offset);
    return result;
  } catch (error) {
    throw new ReplayError('KAFKA_FAILED', `could not list offsets of ${topic}`, { cause: error, retryable: true });
  }
}

/** Total records the plan re-reads. */
export function planRecords(plan: ReplayPlan): bigint {
  return plan.partitions.reduce((sum, p) => sum + p.records, 0n);
}
