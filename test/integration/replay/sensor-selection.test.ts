// --sensor (issue 6): a replay with a sensor selector re-emits only that sensor's readings of
// the window; the rest of the window is skipped without output, its offsets still advance.
// Verified per key with Kafka's Java console consumer, read_committed.
import { describe, expect, it } from 'vitest';
import { allCommitted, replayVerdict, runReplay, soloAppWithHistory } from './fixtures/harness.ts';

const PER_SENSOR = 1_000;

describe('bin/replay --sensor', () => {
  it('re-emits only that sensor\'s readings of the window; the others are skipped without output', async () => {
    const { f, app, base } = await soloAppWithHistory('replay-sensor', PER_SENSOR);

    f.setProfile('v2');
    const replay = runReplay(f, { from: new Date(base + (PER_SENSOR / 2) * 1000).toISOString(), sensors: ['s1'] });
    expect(await replay.code, replay.err()).toBe(0);
    await allCommitted(f);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);

    const result = await replayVerdict(f, 'v2', { replayed: (key) => key.startsWith('s1|') });
    expect(result.wrong).toEqual([]);
    expect(result.windowKeys).toHaveLength(PER_SENSOR / 2);
  }, 120_000);
});
