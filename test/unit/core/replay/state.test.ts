import { describe, expect, it } from 'vitest';
import {
  decodeState, emptyReplayState, encodeState, foldState, inReplayWindow, pendingFor,
  type ReplayApplied, type ReplayRequest,
} from '../../../../topology/core/replay/state.ts';

const request = (epoch: number): ReplayRequest => ({
  kind: 'request', epoch, group: 'g', topic: 't', createdAt: '2026-11-29T00:00:00.000Z', fromMs: 1, toMs: null,
  selector: { sensors: ['sensor-001'] },
  partitions: [{ partition: 0, fromOffset: 10n, toOffset: 50n, endOffset: 50n }, { partition: 1, fromOffset: 0n, toOffset: 5n, endOffset: 5n }],
});
const applied = (epoch: number, partition: number, resumeAt: bigint): ReplayApplied => ({
  kind: 'applied', epoch, group: 'g', topic: 't', partition, fromOffset: 10n, toOffset: 50n, resumeAt,
});

describe('the replay-state protocol', () => {
  it('round-trips a request and an applied mark with their bigint offsets', () => {
    expect(decodeState(encodeState(request(3)))).toEqual(request(3));
    expect(decodeState(encodeState(applied(3, 0, 42n)))).toEqual(applied(3, 0, 42n));
  });

  it('rejects a record that is not JSON or has no known kind with STATE_CORRUPT', () => {
    expect(() => decodeState(Buffer.from('{nope'))).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT' }));
    expect(() => decodeState(Buffer.from('{"kind":"other","epoch":1,"group":"g","topic":"t"}'))).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT' }));
  });

  it('keeps the latest request and ignores other groups and topics', () => {
    const state = emptyReplayState();
    foldState(state, 'g', 't', request(2));
    foldState(state, 'g', 't', request(1));
    foldState(state, 'other', 't', request(9));
    foldState(state, 'g', 'other', request(9));
    expect(state.request?.epoch).toBe(2);
  });

  it('owes a replay on a partition until that partition applied the request epoch', () => {
    const state = emptyReplayState();
    foldState(state, 'g', 't', request(2));
    foldState(state, 'g', 't', applied(1, 0, 30n));
    expect(pendingFor(state, 0)?.fromOffset).toBe(10n);
    foldState(state, 'g', 't', applied(2, 0, 30n));
    expect(pendingFor(state, 0)).toBeUndefined();
    expect(pendingFor(state, 1)?.fromOffset).toBe(0n);
    expect(pendingFor(state, 7)).toBeUndefined();
  });

  it('puts offsets from fromOffset up to (not including) resumeAt inside the replay window', () => {
    const state = emptyReplayState();
    foldState(state, 'g', 't', request(2));
    foldState(state, 'g', 't', applied(2, 0, 30n));
    expect(inReplayWindow(state, 0, 9n)).toBeUndefined();
    expect(inReplayWindow(state, 0, 10n)).toBeDefined();
    expect(inReplayWindow(state, 0, 29n)).toBeDefined();
    expect(inReplayWindow(state, 0, 30n)).toBeUndefined();
  });

  it('closes the window of an older epoch once a newer request arrives', () => {
    const state = emptyReplayState();
    foldState(state, 'g', 't', request(2));
    foldState(state, 'g', 't', applied(2, 0, 30n));
    foldState(state, 'g', 't', request(3));
    expect(inReplayWindow(state, 0, 20n)).toBeUndefined();
  });
});
