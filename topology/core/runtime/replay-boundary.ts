// What a transaction boundary owes the replay protocol: for each owned source partition with a
// pending request, the ReplayApplied mark to write and the offset to commit with it, and, while
// processing, whether a record inside an applied window is skipped. Pure decisions; the
// runtime does the I/O. It must never move a partition forward past records not yet processed.
import type { SourceRecord } from '../task.ts';
import { appliedKey, encodeState, inReplayWindow, pendingFor } from '../replay/state.ts';
import type { ReplayApplied, ReplayState } from '../replay/state.ts';
import type { OutputRecord } from '../task.ts';
import type { RuntimeMessage } from './record-source.ts';

export type ReplaySelects = (record: SourceRecord, selector: unknown) => boolean;

export interface OwnedPartition {
  topic: string;
  partition: number;
  /** The next offset this instance would process (its committed offset at a boundary), or undefined if the group has none. */
  position: bigint | undefined;
}

export interface DueReplay {
  applied: ReplayApplied;
  /** True when the partition must be moved back to applied.fromOffset (commit it, then re-read). */
  rewinds: boolean;
}

/** The marks to write at this boundary, one per owned partition whose request is not applied yet. */
export function dueReplays(group: string, stateOf: (topic: string) => ReplayState, owned: readonly OwnedPartition[]): DueReplay[] {
  const due: DueReplay[] = [];
  for (const { topic, partition, position } of owned) {
    const state = stateOf(topic);
    const target = pendingFor(state, partition);
    if (target === undefined || state.request === undefined) continue;
    // A partition that has not yet reached fromOffset re-reads the range anyway, live: moving
    // it to fromOffset would skip what lies before. Its window is empty (resumeAt <= fromOffset).
    const rewinds = position !== undefined && position > target.fromOffset;
    // Inside the window of an earlier request, everything up to that window's end was processed
    // live already: the new window extends to it, so nothing is processed live twice. (The rest
    // of the earlier window is then re-read under the new request's selector: a new request
    // supersedes what an unfinished one had left on this partition.)
    const here = position ?? target.fromOffset;
    const earlier = state.applied.get(partition)?.resumeAt;
    due.push({
      rewinds,
      applied: {
        kind: 'applied', epoch: state.request.epoch, group, topic, partition,
        fromOffset: target.fromOffset, toOffset: target.toOffset,
        resumeAt: earlier !== undefined && earlier > here ? earlier : here,
      },
    });
  }
  return due;
}

/** The state-topic record of a mark. */
export function appliedRecord(stateTopic: string, applied: ReplayApplied): OutputRecord {
  return {
    topic: stateTopic,
    key: Buffer.from(appliedKey(applied.group, applied.topic, applied.partition)),
    value: encodeState(applied),
  };
}

/** The consumer-group identity a transactional offset commit is fenced with. */
export interface GroupMetadata {
  groupId: string;
  memberId: string | null;
  generationId: number;
  coordinatorId: number | null;
}

/**
 * The one place a committed offset is set to something other than "last processed + 1": the
 * client's tx.addOffset(message) commits message.offset + 1 with message.metadata.consumer's
 * group generation, so a message-like object at `offset - 1` commits `offset`, fenced like
 * any other commit of this generation.
 */
export function offsetCommitMarker(topic: string, partition: number, offset: bigint, consumer: GroupMetadata): RuntimeMessage {
  const key = Buffer.alloc(0);
  const message: RuntimeMessage = {
    topic, partition, offset: offset - 1n, timestamp: 0n, key, value: key, headers: new Map(), headerEntries: [], leaderEpoch: -1,
    metadata: { consumer },
    commit: () => undefined,
    toJSON: () => ({ topic, partition, offset: String(offset - 1n), timestamp: '0', key, value: key, headers: [], leaderEpoch: -1, metadata: { consumer } }),
  };
  return message;
}

/**
 * Whether a record is skipped because it lies inside an applied replay window and is not
 * selected: past the request's end (toOffset) it was already processed live; before it, the
 * application's predicate decides. No predicate selects everything.
 */
export function skippedByReplay(state: ReplayState, record: SourceRecord, selects: ReplaySelects | undefined): boolean {
  const window = inReplayWindow(state, record.partition, record.offset);
  if (window === undefined) return false;
  if (record.offset >= window.toOffset) return true;
  return selects !== undefined && !selects(record, state.request?.selector ?? null);
}
