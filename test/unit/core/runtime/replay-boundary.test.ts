import { describe, expect, it } from 'vitest';
import { appliedRecord, dueReplays, offsetCommitMarker, skippedByReplay } from '../../../../topology/core/runtime/replay-boundary.ts';
import { decodeState, emptyReplayState } from '../../../../topology/core/replay/state.ts';
import type { ReplayApplied, ReplayRequest, ReplayState } from '../../../../topology/core/replay/state.ts';
import type { SourceRecord } from '../../../../topology/core/task.ts';

const request: ReplayRequest = {
  kind: 'request', epoch: 3, group: 'g', topic: 'raw', createdAt: '2026-11-29T06:00:00.000Z', fromMs: 0, toMs: null,
  selector: { sensors: ['s1'] },
  partitions: [
    { partition: 0, fromOffset: 100n, toOffset: 200n, endOffset: 200n },
    { partition: 1, fromOffset: 50n, toOffset: 80n, endOffset: 90n },
  ],
};

function stateWith(applied: ReplayApplied[] = []): ReplayState {
  const state = emptyReplayState();
  state.request = request;
  for (const mark of applied) state.applied.set(mark.partition, mark);
  return state;
}

function mark(partition: number, epoch: number, fromOffset: bigint, resumeAt: bigint, toOffset: bigint): ReplayApplied {
  return { kind: 'applied', epoch, group: 'g', topic: 'raw', partition, fromOffset, resumeAt, toOffset };
}

function record(partition: number, offset: bigint, key: string): SourceRecord {
  return { topic: 'raw', partition, offset, timestamp: 0n, key: Buffer.from(key), value: Buffer.from('{}'), headers: new Map() };
}

describe('the replay boundary', () => {
  it('owes a mark for each owned partition of the request not applied yet, resuming where the partition stands', () => {
    const due = dueReplays('g', () => stateWith(), [
      { topic: 'raw', partition: 0, position: 250n },
      { topic: 'raw', partition: 1, position: 90n },
      { topic: 'raw', partition: 2, position: 10n },
    ]);
    expect(due).toEqual([
      { rewinds: true, applied: mark(0, 3, 100n, 250n, 200n) },
      { rewinds: true, applied: mark(1, 3, 50n, 90n, 80n) },
    ]);
  });

  it('never re-applies an epoch a partition has applied, even after a restart reads the state again', () => {
    const state = stateWith([mark(0, 3, 100n, 250n, 200n), mark(1, 2, 0n, 0n, 0n)]);
    const due = dueReplays('g', () => state, [{ topic: 'raw', partition: 0, position: 120n }, { topic: 'raw', partition: 1, position: 60n }]);
    expect(due.map((d) => d.applied.partition)).toEqual([1]);
  });

  it('does not move a partition that has not reached the start of the replay: it reads the range live anyway', () => {
    const [behind] = dueReplays('g', () => stateWith(), [{ topic: 'raw', partition: 0, position: 60n }]);
    expect(behind).toEqual({ rewinds: false, applied: mark(0, 3, 100n, 60n, 200n) });
    const [never] = dueReplays('g', () => stateWith(), [{ topic: 'raw', partition: 1, position: undefined }]);
    expect(never?.rewinds).toBe(false);
  });

  it('inside the window of an earlier request, extends the new window to where the earlier one resumes live', () => {
    const state = stateWith([mark(0, 2, 150n, 400n, 300n)]);
    const [due] = dueReplays('g', () => state, [{ topic: 'raw', partition: 0, position: 220n }]);
    expect(due).toEqual({ rewinds: true, applied: mark(0, 3, 100n, 400n, 200n) });
  });

  it('writes the mark keyed by group, topic and partition, readable by the state decoder', () => {
    const output = appliedRecord('state', mark(1, 3, 50n, 90n, 80n));
    expect(output.topic).toBe('state');
    expect(output.key?.toString()).toBe('applied|g|raw|1');
    expect(decodeState(output.value!)).toEqual(mark(1, 3, 50n, 90n, 80n));
  });

  it('commits exactly the replay start: the client commits offset + 1 of the marker, fenced with the given generation', () => {
    const group = { groupId: 'g', memberId: 'm-1', generationId: 7, coordinatorId: 1 };
    const marker = offsetCommitMarker('raw', 0, 100n, group);
    expect(marker.offset + 1n).toBe(100n);
    expect(marker.metadata).toEqual({ consumer: group });
    expect(offsetCommitMarker('raw', 0, 0n, group).offset + 1n).toBe(0n);
  });

  it('inside an applied window skips what the predicate does not select, and everything past the request end', () => {
    const state = stateWith([mark(0, 3, 100n, 250n, 200n)]);
    const sensorOne = (r: SourceRecord, selector: unknown): boolean =>
      (selector as { sensors: string[] }).sensors.some((s) => r.key!.toString().startsWith(`${s}|`));
    expect(skippedByReplay(state, record(0, 150n, 's1|1'), sensorOne)).toBe(false);
    expect(skippedByReplay(state, record(0, 150n, 's2|1'), sensorOne)).toBe(true);
    expect(skippedByReplay(state, record(0, 220n, 's1|1'), sensorOne)).toBe(true);
    // Outside the window everything is processed: before it (not re-read) and from resumeAt on (live).
    expect(skippedByReplay(state, record(0, 99n, 's2|1'), sensorOne)).toBe(false);
    expect(skippedByReplay(state, record(0, 250n, 's2|1'), sensorOne)).toBe(false);
    // No predicate: the whole window up to the request end is re-processed.
    expect(skippedByReplay(state, record(0, 150n, 's2|1'), undefined)).toBe(false);
    // A partition without a mark, or a mark of an older request, has no window.
    expect(skippedByReplay(stateWith([mark(0, 2, 100n, 250n, 200n)]), record(0, 150n, 's2|1'), sensorOne)).toBe(false);
  });
});
