// The save-before-calibrate gate (issue 5) across real processes: bin/sink --mapping raw,
// bin/calibrator and bin/sink --mapping calibrated on one broker and one schema. What the
// calibrator emits is read by an independent read_committed consumer and by the broker's
// read_committed end offsets; "no calibrated row without its raw row" is watched by a
// Postgres trigger and a 50 ms poller, neither of which the code under test knows about.
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../connectors/postgres/migrate.ts';
import { installOrphanAudit, orphanAuditRows, orphanCount, pipelineReadings, pollOrphans, rowCount } from '../../helpers/pipeline-gate-audit.ts';
import { committedEnd, metricValue, opsPort, readCommitted, spawnBin, started } from '../../helpers/pipeline-processes.ts';
import { produce, sinkSchema } from '../../helpers/sink-fixtures.ts';
import { createTopics, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';

const PARTITIONS = 2;
// Both sinks write a batch as soon as the previous write has finished (no linger). The raw sink
// commits at most 7 records per transaction, so its offset moves in many small steps while the
// calibrator waits on the gate: a gate that admitted even one offset too early would let a
// calibrated row be written while its raw row is still in a later raw batch (checked by
// mutating the gate to admit next_offset + 1: the trigger catches it; the 50 ms poller, whose
// window is now one raw write of milliseconds, may not).
const SMALL_RAW_BATCHES = { KALIBRA_SINK_BATCH_SIZE: '7' };
const CALIBRATED_SINK = { KALIBRA_SINK_BATCH_SIZE: '50' };

async function pipeline(): Promise<{ env: Record<string, string>; schema: string; calibrated: string; raw: string }> {
  const raw = uniqueName('gate-raw');
  const calibrated = uniqueName('gate-calibrated');
  const dlq = uniqueName('gate-dlq');
  await createTopics([raw, calibrated], { partitions: PARTITIONS, configs: { 'cleanup.policy': 'compact' } });
  await createTopics([dlq]);
  const state = uniqueName('gate-replay-state');
  await createTopics([state], { configs: { 'cleanup.policy': 'compact' } });
  const schema = sinkSchema();
  return {
    raw, calibrated, schema,
    env: {
      KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_CALIBRATED: calibrated, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: state,
      KALIBRA_SINK_SCHEMA: schema, KALIBRA_GATE_SCHEMA: schema, KALIBRA_SINK_SESSION_TIMEOUT: '6s',
    },
  };
}

function spawnStage(command: 'calibrator' | 'sink', args: string[], env: Record<string, string>, name: string): ReturnType<typeof spawnBin> {
  return spawnBin(command, args, { ...env, KALIBRA_GROUP_ID: uniqueName(`gate-${name}`), KALIBRA_INSTANCE_ID: uniqueName(name) });
}

describe('the save-before-calibrate gate across bin/sink and bin/calibrator', () => {
  it('emits nothing while the raw sink is stopped, follows once it runs, and never lets a calibrated row exist without its raw row', async () => {
    const { env, schema, calibrated } = await pipeline();
    const client = await pgClient();
    await migrate(client, schema);
    await installOrphanAudit(client, schema);
    await produce(env.KALIBRA_TOPIC_RAW!, pipelineReadings(0, 200));
    const poller = await pollOrphans(schema);
    const reader = await readCommitted(calibrated);

    const calibrator = spawnStage('calibrator', [], env, 'calibrator');
    const calibratedSink = spawnStage('sink', ['--mapping', 'calibrated'], { ...env, ...CALIBRATED_SINK }, 'calibrated-sink');
    await started(calibrator, 'the calibrator');
    await started(calibratedSink, 'the calibrated sink');
    const port = await opsPort(calibrator);

    // The window: the calibrator holds raw records and the gate turns them away, again and again
    // (each wait is at most a second), while nothing is allowed through.
    await waitFor(async () => await metricValue(port, 'kalibra_gate_wait_seconds_count') >= 5,
      { timeoutMs: 60_000, message: 'the calibrator to wait on the gate five times' });
    expect(await committedEnd(calibrated, PARTITIONS)).toBe(0);
    expect(reader.records).toEqual([]);
    expect(await rowCount(client, schema, 'calibrated_readings')).toBe(0);
    expect(await metricValue(port, 'kalibra_records_out_total')).toBe(0);

    const rawSink = spawnStage('sink', ['--mapping', 'raw'], { ...env, ...SMALL_RAW_BATCHES }, 'raw-sink');
    await started(rawSink, 'the raw sink');
    await waitFor(async () => await rowCount(client, schema, 'calibrated_readings') === 200,
      { timeoutMs: 60_000, message: 'the first 200 calibrated rows' });
    // More readings while everything runs, each send after the previous one reached
    // calibrated_readings, so the poller samples through many openings of the gate.
    for (let first = 200; first < 400; first += 20) {
      await produce(env.KALIBRA_TOPIC_RAW!, pipelineReadings(first, 20));
      await waitFor(async () => await rowCount(client, schema, 'calibrated_readings') === first + 20,
        { timeoutMs: 60_000, message: `${first + 20} calibrated rows` });
    }
    const sampled = await poller.stop();
    await waitFor(() => reader.records.length >= 400, { message: '400 calibrated records read_committed' });

    const audited = await orphanAuditRows(client, schema);
    expect({ ...sampled, audited }).toMatchObject({ maxOrphans: 0, audited: 0 });
    expect(sampled.samplesWithRows).toBeGreaterThan(0);
    expect(await rowCount(client, schema, 'raw_readings')).toBe(400);
    expect(new Set(reader.records.map((r) => r.key)).size).toBe(400);
    expect(await committedEnd(calibrated, PARTITIONS)).toBeGreaterThanOrEqual(400);
    console.info(`gate on: ${sampled.samples} orphan samples (${sampled.samplesWithRows} with calibrated rows), max orphans ${sampled.maxOrphans}`);
  });

  it('with --no-gate the calibrator runs ahead of the raw sink, and the same checks see calibrated rows without raw rows', async () => {
    const { env, schema, calibrated } = await pipeline();
    const client = await pgClient();
    await migrate(client, schema);
    await installOrphanAudit(client, schema);
    await produce(env.KALIBRA_TOPIC_RAW!, pipelineReadings(0, 100));
    const poller = await pollOrphans(schema);
    const reader = await readCommitted(calibrated);

    const calibrator = spawnStage('calibrator', ['--no-gate'], env, 'calibrator');
    const calibratedSink = spawnStage('sink', ['--mapping', 'calibrated'], { ...env, ...CALIBRATED_SINK }, 'calibrated-sink');
    await started(calibrator, 'the calibrator');
    await started(calibratedSink, 'the calibrated sink');

    await waitFor(() => reader.records.length >= 100, { timeoutMs: 60_000, message: '100 calibrated records with the raw sink stopped' });
    await waitFor(async () => await rowCount(client, schema, 'calibrated_readings') === 100, { timeoutMs: 60_000, message: '100 calibrated rows' });
    const sampled = await poller.stop();
    expect(await rowCount(client, schema, 'raw_readings')).toBe(0);
    expect(await orphanCount(client, schema)).toBe(100);
    expect(sampled.maxOrphans).toBe(100);
    expect(await orphanAuditRows(client, schema)).toBe(100);
  });
});
