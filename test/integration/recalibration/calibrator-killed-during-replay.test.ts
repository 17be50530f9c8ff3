// Issue 6, a crash in the middle of an online replay over the real pipeline: the calibrator is
// SIGKILLed while it re-reads history and restarted with the same instance id; bin/replay still
// exits 0 and the result is exactly that of an uninterrupted replay (no reading re-emitted a
// third time, none lost, rows before T untouched). Plain SQL, an independent read_committed reader, formulas.
import { describe, expect, it } from 'vitest';
import { metricValue, opsPort, started } from '../../helpers/pipeline-processes.ts';
import { calibratedHistoryWithEditedProfiles, expectExactRecalibration, keepSending } from '../../helpers/recalibration-pipeline.ts';
import { waitFor } from '../../helpers/stack.ts';

const SENSORS = 20;
const PER_SENSOR = 5_000;

describe('a calibrator killed during an online replay', () => {
  it('restarted with the same instance id, finishes the replay exactly once: bin/replay exits 0 and every row is as after an uninterrupted replay', async () => {
    const history = await calibratedHistoryWithEditedProfiles('rc-kill', { sensors: SENSORS, perSensor: PER_SENSOR, timeoutMs: 120_000 });
    const { p } = history;
    const port = await opsPort(history.calibrator);
    const before = await metricValue(port, 'kalibra_records_out_total');

    const fromMs = history.base + (PER_SENSOR / 2) * 1000;
    const live = keepSending(p);
    const replay = p.replay(['--from', new Date(fromMs).toISOString(), '--yes']);
    await waitFor(() => replay.output().includes('requested: 1 running instance(s)'), { timeoutMs: 30_000, message: 'the replay request' });
    // Killed once it has re-emitted a tenth of the window (50,000 readings), well before the end.
    await waitFor(async () => await metricValue(port, 'kalibra_records_out_total') >= before + 5_000,
      { timeoutMs: 60_000, intervalMs: 20, message: 'the replay under way' });
    history.calibrator.child.kill('SIGKILL');
    await history.calibrator.exited;
    expect(replay.child.exitCode, 'bin/replay must still be waiting when the calibrator dies').toBeNull();

    const restarted = p.calibrator(history.calibratorInstance);
    await started(restarted, 'the restarted calibrator');
    expect(await replay.exited, replay.output()).toBe(0);
    expect(await live.stop(), 'rounds of live readings').toBeGreaterThan(0);

    const after = await expectExactRecalibration(history, { fromMs, output: replay.output() });
    expect(after.counts).toMatchObject({ before: SENSORS * PER_SENSOR / 2, after: SENSORS * PER_SENSOR / 2 });
    // Live readings on both sides of the captured end: re-read by the replay, and only ever live.
    expect(after.liveInWindow).toBeGreaterThan(0);
    expect(after.liveAfterWindow).toBeGreaterThan(0);
    console.info(`calibrator-killed-during-replay: ${p.sent.size} readings, ${after.counts.live} live (${after.liveInWindow} inside the replay window, ${after.liveAfterWindow} after it)`);
  }, 170_000);
});
