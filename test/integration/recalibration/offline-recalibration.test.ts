// Issue 6, offline: with the calibrator stopped, `bin/replay --from T --yes` resets the group's
// offsets (the classic reset), says so, and waits; the calibrator started afterwards recalibrates
// every row from T while live readings keep arriving, and bin/replay exits 0. Plain SQL, an
// independent read_committed reader and the documented formulas.
import { describe, expect, it } from 'vitest';
import { exitWithin, groupMembers, started } from '../../helpers/pipeline-processes.ts';
import { calibratedHistoryWithEditedProfiles, expectExactRecalibration, keepSending } from '../../helpers/recalibration-pipeline.ts';
import { waitFor } from '../../helpers/stack.ts';

const SENSORS = 10;
const PER_SENSOR = 1_000;

describe('recalibrating history offline through the whole pipeline', () => {
  it('with the calibrator stopped, resets the group, waits for a calibrator, and ends with every row from T recalibrated and the rest untouched', async () => {
    const history = await calibratedHistoryWithEditedProfiles('rc-offline', { sensors: SENSORS, perSensor: PER_SENSOR, timeoutMs: 90_000 });
    const { p } = history;

    const live = keepSending(p);
    history.calibrator.child.kill('SIGTERM');
    expect(await exitWithin(history.calibrator, 15_000)).toBe(0);
    await waitFor(async () => await groupMembers(p.calibratorGroup) === 0, { message: 'the calibrator group to be empty' });

    const fromMs = history.base + (PER_SENSOR / 2) * 1000;
    const replay = p.replay(['--from', new Date(fromMs).toISOString(), '--yes']);
    await waitFor(() => {
      if (replay.child.exitCode !== null) throw new Error(`bin/replay exited ${replay.child.exitCode}:\n${replay.output()}`);
      return replay.output().includes('is running; waiting');
    }, { timeoutMs: 30_000, message: 'bin/replay to wait for a calibrator' });
    expect(replay.output()).toContain('(no instance running: offline reset)');
    expect(replay.output()).toMatch(/replay epoch \d+ started offline: no instance of \S+ is running, its committed offsets were moved back/);

    const restarted = p.calibrator(history.calibratorInstance);
    await started(restarted, 'the calibrator started after the reset');
    expect(await replay.exited, replay.output()).toBe(0);
    expect(await live.stop(), 'rounds of live readings').toBeGreaterThan(0);

    const after = await expectExactRecalibration(history, { fromMs, output: replay.output() });
    expect(after.counts).toMatchObject({ before: SENSORS * PER_SENSOR / 2, after: SENSORS * PER_SENSOR / 2 });
  }, 150_000);
});
