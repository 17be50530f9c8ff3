// Issue 6 over the real pipeline (bin/sink raw, bin/calibrator, bin/sink calibrated, bin/replay
// as processes): a profile edit, then `bin/replay --from T --yes` while the calibrator runs and
// live readings keep arriving. Checked with plain SQL, an independent read_committed reader of
// the calibrated topic and values computed from the documented formulas.
import { describe, expect, it } from 'vitest';
import { calibratedHistoryWithEditedProfiles, expectExactRecalibration, keepSending } from '../../helpers/recalibration-pipeline.ts';

const SENSORS = 20;
const PER_SENSOR = 5_000;

describe('recalibrating history online through the whole pipeline', () => {
  it('rewrites every row from T with the edited profile while the calibrator runs and live readings arrive; rows before T stay as they were', async () => {
    const history = await calibratedHistoryWithEditedProfiles('rc-online', { sensors: SENSORS, perSensor: PER_SENSOR, timeoutMs: 120_000 });
    const { p } = history;

    const fromMs = history.base + (PER_SENSOR / 2) * 1000;
    const live = keepSending(p);
    const replay = p.replay(['--from', new Date(fromMs).toISOString(), '--yes']);
    expect(await replay.exited, replay.output()).toBe(0);
    expect(replay.output()).toMatch(/requested: 1 running instance\(s\)/);
    expect(await live.stop(), 'rounds of live readings').toBeGreaterThan(0);

    const after = await expectExactRecalibration(history, { fromMs, output: replay.output() });
    expect(after.counts).toMatchObject({ before: SENSORS * PER_SENSOR / 2, after: SENSORS * PER_SENSOR / 2 });
    // Live readings on both sides of the captured end: re-read by the replay, and only ever live.
    expect(after.liveInWindow).toBeGreaterThan(0);
    expect(after.liveAfterWindow).toBeGreaterThan(0);
    console.info(`online-recalibration: ${p.sent.size} readings, ${after.counts.live} live (${after.liveInWindow} inside the replay window, ${after.liveAfterWindow} after it)`);
  }, 170_000);
});
