// Replay survives breaking things for real (issue 6): the runtime child is SIGKILLed in the
// middle of a replay and restarted, and the replay still completes exactly (each key of the
// window emitted exactly once more, none outside). Verified per key with Kafka's Java console
// consumer, read_committed.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/stack.ts';
import {
  SENSORS, allCommitted, replayVerdict, runReplay, running, soloAppWithHistory, spawnReplayApp, unfinishedPartitions,
} from './fixtures/harness.ts';

const PER_SENSOR = 1_000;

describe('bin/replay when the runtime crashes', () => {
  it('completes exactly although the runtime is SIGKILLed in the middle of the replay and restarted', async () => {
    // Small transactions, so the replay spans many of them and the kill lands inside it.
    const env = { APP_COMMIT_MAX_RECORDS: '50' };
    const { f, app: first, base } = await soloAppWithHistory('replay-crash', PER_SENSOR, env);

    f.setProfile('v2');
    const replay = runReplay(f, { from: new Date(base + (PER_SENSOR / 4) * 1000).toISOString() });
    await waitFor(() => first.stderr().includes('"applying replay"'), { timeoutMs: 30_000, message: 'the runtime to apply the replay' });
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 400)));
    first.child.kill('SIGKILL');
    await first.exited;
    // The kill landed inside the replay: some partition had not yet committed past its end.
    expect(await unfinishedPartitions(f)).not.toEqual([]);

    const second = spawnReplayApp(f, 'solo', env);
    await running(second);
    expect(await replay.code, replay.err()).toBe(0);
    await allCommitted(f);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // The restarted instance continued the replay; it did not apply the epoch again.
    expect(second.stderr()).not.toContain('"applying replay"');

    const result = await replayVerdict(f, 'v2');
    expect(result.wrong).toEqual([]);
    expect(result.windowKeys).toHaveLength(SENSORS * PER_SENSOR * 3 / 4);
  }, 150_000);
});
