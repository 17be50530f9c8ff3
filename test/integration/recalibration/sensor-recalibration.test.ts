// Issue 6, `bin/replay --sensor` over the real pipeline: every sensor's profile is edited, but
// only the chosen sensor's rows from T are recalibrated; every other row (its calibrated_at
// included) stays exactly as it was. Plain SQL, an independent read_committed reader, formulas.
import { describe, expect, it } from 'vitest';
import { readCommitted } from '../../helpers/pipeline-processes.ts';
import {
  calibratedHistoryWithEditedProfiles, calibratedRows, plannedTo, recalibrationPipeline, sensorName, settled, topicProblems, verdict,
} from '../../helpers/recalibration-pipeline.ts';
import { pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';

const SENSORS = 10;
const PER_SENSOR = 1_000;

describe('recalibrating one sensor through the whole pipeline', () => {
  it('with --sensor rewrites only that sensor\'s rows from T; every other row keeps its value, identity and calibrated_at', async () => {
    const p = await recalibrationPipeline('rc-sensor', SENSORS);
    const client = await pgClient();
    const { base, calibratedReader, snapshot } = await calibratedHistoryWithEditedProfiles(p, client, {
      sensors: SENSORS, perSensor: PER_SENSOR, calibratorInstance: uniqueName('rc-sensor'), timeoutMs: 90_000,
    });

    const chosen = sensorName(3);
    const selected = (sensor: string): boolean => sensor === chosen;
    const fromMs = base + (PER_SENSOR / 2) * 1000;
    const replay = p.replay(['--from', new Date(fromMs).toISOString(), '--sensor', chosen, '--yes']);
    expect(await replay.exited, replay.output()).toBe(0);
    await settled(p, client);

    const rawReader = await readCommitted(p.raw);
    await waitFor(() => rawReader.records.length >= p.sent.size, { timeoutMs: 60_000, message: 'the raw topic read back' });
    const rows = await calibratedRows(client, p.schema);
    // The live probes (all sensors, ts after T) sit inside the window: only the chosen sensor's are re-emitted.
    const result = verdict(p, rows, snapshot, fromMs, selected);
    expect(result.problems).toEqual([]);
    expect(rows.size).toBe(p.sent.size);
    const recalibrated = [...rows].filter(([key, row]) => snapshot.get(key)?.calibratedAt !== row.calibratedAt).map(([key]) => key);
    expect(recalibrated.filter((key) => !key.startsWith(`${chosen}|`))).toEqual([]);
    expect(recalibrated.filter((key) => p.sent.get(key)?.kind === 'history')).toHaveLength(PER_SENSOR / 2);
    const topicCheck = (): ReturnType<typeof topicProblems> => topicProblems(p, calibratedReader.records, rawReader.records, plannedTo(replay.output()), fromMs, selected);
    await waitFor(() => topicCheck().problems.length === 0, { timeoutMs: 30_000, message: 'the calibrated topic read back' }).catch(() => undefined);
    expect(topicCheck().problems).toEqual([]);
  }, 150_000);
});
