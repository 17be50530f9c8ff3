// Issue 6 over the real pipeline (bin/sink raw, bin/calibrator, bin/sink calibrated, bin/replay
// as processes): a profile edit, then `bin/replay --from T --yes` while the calibrator runs and
// live readings keep arriving. Checked with plain SQL, an independent read_committed reader of
// the calibrated topic and values computed from the documented formulas.
import { describe, expect, it } from 'vitest';
import { readCommitted } from '../../helpers/pipeline-processes.js';
import {
  calibratedCount, calibratedRows, keepSending, plannedTo, produceHistory, recalibrationPipeline, settled, startPipeline,
  topicProblems, verdict, waitForEditedProfiles,
} from '../../helpers/recalibration-pipeline.js';
import { pgClient, uniqueName, waitFor } from '../../helpers/stack.js';

const SENSORS = 20;
const PER_SENSOR = 5_000;

describe('recalibrating history online through the whole pipeline', () => {
  it('rewrites every row from T with the edited profile while the calibrator runs and live readings arrive; rows before T stay as they were', async () => {
    const p = await recalibrationPipeline('rc-online', SENSORS);
    const client = await pgClient();
    const base = Date.now() - 3 * 3_600_000;
    await produceHistory(p, base, PER_SENSOR);
    const calibratedReader = await readCommitted(p.calibrated);
    await startPipeline(p, uniqueName('rc-online'));
    await waitFor(async () => await calibratedCount(client, p.schema).catch(() => 0) === SENSORS * PER_SENSOR,
      { timeoutMs: 120_000, intervalMs: 500, message: `${SENSORS * PER_SENSOR} calibrated rows` });

    p.editProfiles();
    await waitForEditedProfiles(p, calibratedReader.records);
    await settled(p, client);
    const snapshot = await calibratedRows(client, p.schema);

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
    const topicCheck = (): string[] => topicProblems(p, calibratedReader.records, rawReader.records, plannedTo(replay.output()), fromMs);
    await waitFor(() => topicCheck().length === 0, { timeoutMs: 30_000, message: 'the calibrated topic read back' }).catch(() => undefined);
    expect(topicCheck()).toEqual([]);
    console.info(`online: ${p.sent.size} readings (${result.counts.live} live), replay output:\n${replay.output()}`);
  }, 170_000);
});
