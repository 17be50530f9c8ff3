// Issue 6 over the real pipeline (bin/sink raw, bin/calibrator, bin/sink calibrated, bin/replay
// as processes): a profile edit, then `bin/replay --from T --yes` while the calibrator runs and
// live readings keep arriving. Checked with plain SQL, an independent read_committed reader of
// the calibrated topic and values computed from the documented formulas.
import { describe, expect, it } from 'vitest';
import { readCommitted } from '../../helpers/pipeline-processes.ts';
import {
  calibratedHistoryWithEditedProfiles, calibratedRows, keepSending, plannedTo, recalibrationPipeline, settled, topicProblems, verdict,
} from '../../helpers/recalibration-pipeline.ts';
import { pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';

const SENSORS = 20;
const PER_SENSOR = 5_000;

describe('recalibrating history online through the whole pipeline', () => {
  it('rewrites every row from T with the edited profile while the calibrator runs and live readings arrive; rows before T stay as they were', async () => {
    const p = await recalibrationPipeline('rc-online', SENSORS);
    const client = await pgClient();
    const { base, calibratedReader, snapshot } = await calibratedHistoryWithEditedProfiles(p, client, {
      sensors: SENSORS, perSensor: PER_SENSOR, calibratorInstance: uniqueName('rc-online'), timeoutMs: 120_000,
    });

    const fromMs = base + (PER_SENSOR / 2) * 1000;
    const live = keepSending(p);
    const replay = p.replay(['--from', new Date(fromMs).toISOString(), '--yes']);
    expect(await replay.exited, replay.output()).toBe(0);
    expect(replay.output()).toMatch(/requested: 1 running instance\(s\)/);
    const rounds = await live.stop();
    expect(rounds).toBeGreaterThan(0);

    await settled(p, client);
    const rawReader = await readCommitted(p.raw);
    await waitFor(() => rawReader.records.length >= p.sent.size, { timeoutMs: 60_000, message: 'the raw topic read back' });
    const rows = await calibratedRows(client, p.schema);
    const result = verdict(p, rows, snapshot, fromMs);
    expect(result.problems).toEqual([]);
    expect(rows.size).toBe(p.sent.size);
    expect(result.counts).toMatchObject({ before: SENSORS * PER_SENSOR / 2, after: SENSORS * PER_SENSOR / 2 });
    // Missing emissions may still be on their way to the reader; extra ones never go away.
    const topicCheck = (): ReturnType<typeof topicProblems> => topicProblems(p, calibratedReader.records, rawReader.records, plannedTo(replay.output()), fromMs);
    await waitFor(() => topicCheck().problems.length === 0, { timeoutMs: 30_000, message: 'the calibrated topic read back' }).catch(() => undefined);
    const topic = topicCheck();
    expect(topic.problems).toEqual([]);
    // Live readings on both sides of the captured end: re-read by the replay, and only ever live.
    expect(topic.liveInWindow).toBeGreaterThan(0);
    expect(topic.liveAfterWindow).toBeGreaterThan(0);
    console.info(`online-recalibration: ${p.sent.size} readings, ${result.counts.live} live (${topic.liveInWindow} inside the replay window, ${topic.liveAfterWindow} after it)`);
  }, 170_000);
});
