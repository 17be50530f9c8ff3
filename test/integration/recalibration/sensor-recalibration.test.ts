// Issue 6, `bin/replay --sensor` over the real pipeline: every sensor's profile is edited, but
// only the chosen sensor's rows from T are recalibrated; every other row (its calibrated_at
// included) stays exactly as it was. Plain SQL, an independent read_committed reader, formulas.
import { describe, expect, it } from 'vitest';
import { calibratedHistoryWithEditedProfiles, expectExactRecalibration, sensorName } from '../../helpers/recalibration-pipeline.ts';

const SENSORS = 10;
const PER_SENSOR = 1_000;

describe('recalibrating one sensor through the whole pipeline', () => {
  it('with --sensor rewrites only that sensor\'s rows from T; every other row keeps its value, identity and calibrated_at', async () => {
    const history = await calibratedHistoryWithEditedProfiles('rc-sensor', { sensors: SENSORS, perSensor: PER_SENSOR, timeoutMs: 90_000 });
    const { p } = history;

    const chosen = sensorName(3);
    const selected = (sensor: string): boolean => sensor === chosen;
    const fromMs = history.base + (PER_SENSOR / 2) * 1000;
    const replay = p.replay(['--from', new Date(fromMs).toISOString(), '--sensor', chosen, '--yes']);
    expect(await replay.exited, replay.output()).toBe(0);

    // The live probes (all sensors, ts after T) sit inside the window: only the chosen sensor's are re-emitted.
    const { rows } = await expectExactRecalibration(history, { fromMs, output: replay.output(), selected });
    const recalibrated = [...rows].filter(([key, row]) => history.snapshot.get(key)?.calibratedAt !== row.calibratedAt).map(([key]) => key);
    expect(recalibrated.filter((key) => !key.startsWith(`${chosen}|`))).toEqual([]);
    expect(recalibrated.filter((key) => p.sent.get(key)?.kind === 'history')).toHaveLength(PER_SENSOR / 2);
  }, 150_000);
});
