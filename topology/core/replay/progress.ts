// Watches a replay until every partition of the request has applied it and the group's
// committed offset has passed the end captured when the request was made. Yields one
// progress figure per tick; rendering is separate and pure.
import type { Admin } from '@platformatic/kafka';
import { readReplayState, type StateLocation } from './state-store.ts';
import type { ReplayRequest, ReplayState } from './state.ts';

export interface ReplayProgress {
  done: boolean;
  appliedPartitions: number;
  partitions: number;
  total: bigint;
  remaining: bigint;
  recordsPerSecond: number;
  etaSeconds: number | undefined;
  /** The same figures per partition of the request, in its order. */
  byPartition: PartitionProgress[];
}

export interface PartitionProgress {
  partition: number;
  /** An instance has rewound this partition for the request (its applied mark is written). */
  applied: boolean;
  /** Records between the replay's first offset and the end captured at the request. */
  total: bigint;
  remaining: bigint;
}

export interface WatchOptions {
  admin: Admin;
  location: StateLocation;
  request: ReplayRequest;
  intervalMs?: number;
  signal?: AbortSignal;
}

export async function* watchReplay(options: WatchOptions): AsyncGenerator<ReplayProgress> {
  const { admin, location, request, signal } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const total = request.partitions.reduce((sum, p) => sum + (p.endOffset - p.fromOffset), 0n);
  let state: ReplayState | undefined;
  let previous: { at: number; remaining: bigint } | undefined;
  let rate = 0;
  while (!signal?.aborted) {
    if (!state || !allApplied(state, request)) state = await readReplayState(location);
    const committed = await committedOffsets(admin, request.group, request.topic);
    let remaining = 0n;
    let appliedPartitions = 0;
    const byPartition: PartitionProgress[] = [];
    for (const target of request.partitions) {
      const applied = state.applied.get(target.partition);
      const isApplied = applied !== undefined && applied.epoch >= request.epoch;
      if (isApplied) appliedPartitions++;
      const position = isApplied ? (committed.get(target.partition) ?? target.fromOffset) : target.fromOffset;
      const left = target.endOffset - (position > target.fromOffset ? position : target.fromOffset);
      remaining += left > 0n ? left : 0n;
      const span = target.endOffset - target.fromOffset;
      byPartition.push({ partition: target.partition, applied: isApplied, total: span > 0n ? span : 0n, remaining: left > 0n ? left : 0n });
    }
    const at = Date.now();
    if (previous && at > previous.at) {
      const instant = Number(previous.remaining - remaining) / ((at - previous.at) / 1000);
      rate = rate === 0 ? Math.max(0, instant) : 0.7 * rate + 0.3 * Math.max(0, instant);
    }
    previous = { at, remaining };
    const done = appliedPartitions === request.partitions.length && remaining === 0n;
    yield {
      done, appliedPartitions, partitions: request.partitions.length, total, remaining,
      recordsPerSecond: rate, etaSeconds: rate > 0 ? Number(remaining) / rate : undefined, byPartition,
    };
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function allApplied(state: ReplayState, request: ReplayRequest): boolean {
  return request.partitions.every((t) => (state.applied.get(t.partition)?.epoch ?? 0) >= request.epoch);
}

async function committedOffsets(admin: Admin, group: string, topic: string): Promise<Map<number, bigint>> {
  const result = new Map<number, bigint>();
  const groups = await admin.listConsumerGroupOffsets({ groups: [group] });
  for (const g of groups) for (const t of g.topics) {
    if (t.name === topic) for (const p of t.partitions) if (p.committedOffset >= 0n) result.set(p.partitionIndex, p.committedOffset);
  }
  return result;
}

/** One line: bar, percent, records, rate and ETA. Pure. */
export function renderProgress(progress: ReplayProgress, width = 30): string {
  const total = progress.total > 0n ? progress.total : 1n;
  const doneRecords = progress.total - progress.remaining;
  const fraction = progress.done ? 1 : Number(doneRecords) / Number(total);
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const eta = progress.done ? 'done' : progress.etaSeconds === undefined ? 'ETA --' : `ETA ${formatDuration(progress.etaSeconds)}`;
  const waiting = progress.appliedPartitions < progress.partitions
    ? `  (${progress.appliedPartitions}/${progress.partitions} partitions picked it up)` : '';
  return `[${bar}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${doneRecords}/${progress.total} records  ${Math.round(progress.recordsPerSecond)} rec/s  ${eta}${waiting}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
