import { describe, expect, it } from 'vitest';
import { replayRemaining } from '../../../../topology/core/runtime/consumer-lag.ts';
import { emptyReplayState } from '../../../../topology/core/replay/state.ts';
import type { ReplayRequest, ReplayState } from '../../../../topology/core/replay/state.ts';

const request: ReplayRequest = {
  kind: 'request', epoch: 2, group: 'g', topic: 'raw', createdAt: '2026-11-29T06:00:00.000Z', fromMs: 0, toMs: null, selector: null,
  partitions: [{ partition: 0, fromOffset: 100n, toOffset: 200n, endOffset: 200n }],
};

function state(appliedEpoch?: number): ReplayState {
  const s = emptyReplayState();
  s.request = request;
  if (appliedEpoch !== undefined) {
    s.applied.set(0, { kind: 'applied', epoch: appliedEpoch, group: 'g', topic: 'raw', partition: 0, fromOffset: 100n, resumeAt: 150n, toOffset: 200n });
  }
  return s;
}

describe('replayRemaining (the kalibra_replay_remaining_records gauge)', () => {
  it('is 0 without a request for the partition', () => {
    expect(replayRemaining(emptyReplayState(), 0, 10n)).toBe(0n);
    expect(replayRemaining(state(), 1, 10n)).toBe(0n);
  });

  it('is the whole window while the request is not applied on the partition (an older mark does not count)', () => {
    expect(replayRemaining(state(), 0, 180n)).toBe(100n);
    expect(replayRemaining(state(1), 0, 180n)).toBe(100n);
  });

  it('once applied, counts down to the end of the log when the request was made, and stays 0 past it', () => {
    expect(replayRemaining(state(2), 0, 100n)).toBe(100n);
    expect(replayRemaining(state(2), 0, 170n)).toBe(30n);
    expect(replayRemaining(state(2), 0, 250n)).toBe(0n);
  });

  it('is unknown while the instance has not committed on an applied partition', () => {
    expect(replayRemaining(state(2), 0, undefined)).toBeUndefined();
  });
});
