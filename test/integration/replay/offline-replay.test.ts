// The offline path (issue 6): with the runtime stopped, bin/replay moves the group's offsets
// (the classic reset), says no instance runs and waits; the runtime started later re-emits the
// window exactly once more. Verified per key with Kafka's Java console consumer, read_committed.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/stack.ts';
import {
  SENSORS, allCommitted, replayVerdict, runReplay, running, soloAppWithHistory, spawnReplayApp, tsOf,
} from './fixtures/harness.ts';

const PER_SENSOR = 1_000;

describe('bin/replay with the runtime stopped (offline)', () => {
  it('with the runtime stopped, moves the offsets; the runtime started later re-emits the window exactly once more', async () => {
    const { f, app: first, base } = await soloAppWithHistory('replay-offline', PER_SENSOR);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    f.setProfile('v2');
    const from = base + (PER_SENSOR / 2) * 1000;
    const replay = runReplay(f, { from: new Date(from).toISOString() });
    await waitFor(() => replay.err().includes('no instance of'), { timeoutMs: 30_000, message: 'bin/replay to say it waits for an instance' });
    expect(replay.out()).toContain('started offline');

    const second = spawnReplayApp(f, 'solo');
    await running(second);
    expect(await replay.code, replay.err()).toBe(0);
    await allCommitted(f);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const result = await replayVerdict(f, 'v2');
    expect(result.wrong).toEqual([]);
    expect(result.windowKeys).toHaveLength(SENSORS * PER_SENSOR / 2);
    expect(result.windowKeys.every((key) => tsOf(key) >= from)).toBe(true);
  }, 120_000);
});
