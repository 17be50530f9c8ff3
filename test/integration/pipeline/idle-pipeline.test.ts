// Natural batching (issue 15): on an idle pipeline a single reading goes through every hop
// (raw sink → gate → calibrator's transaction → calibrated sink) without waiting for any linger,
// commit interval, idle tick or gate refresh. Every such timer is set to a minute and the test
// gives the reading half of that: if any hop waited for its timer, the row could not arrive in
// time. What each stage did is read from its metrics: one record each, in a batch of one, and
// the time it spent (the stage histogram's sum) far below the timer it did not wait for.
import { Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildCalibrationTopology } from '../../../calibration/calibration-topology.ts';
import { loadProfiles } from '../../../app/profile-files/profile-loader.ts';
import { PostgresGate } from '../../../connectors/postgres/gate.ts';
import { migrate } from '../../../connectors/postgres/migrate.ts';
import { SinkMetrics } from '../../../connectors/postgres/sink-metrics.ts';
import { PostgresSink } from '../../../connectors/postgres/sink-runtime.ts';
import { MetricsRegistry, prometheusRuntimeMetrics } from '../../../topology/core/ops/index.ts';
import { StreamsRuntime } from '../../../topology/index.ts';
import { sinkSchema } from '../../helpers/sink-fixtures.ts';
import { brokers, createTopics, databaseUrl, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';

/** Every linger, interval, tick and refresh on the path: far longer than the test waits. */
const TIMER_MS = 60_000;
const ARRIVAL_TIMEOUT_MS = TIMER_MS / 2;

interface HistogramTotals { count: number; sum: number }

async function histogram(registry: MetricsRegistry, name: string): Promise<HistogramTotals> {
  const metric = registry.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const named = values as { metricName?: string; value: number }[];
  const pick = (suffix: string): number => named.filter((v) => v.metricName === `${name}${suffix}`).reduce((a, v) => a + v.value, 0);
  return { count: pick('_count'), sum: pick('_sum') };
}

describe('an idle pipeline', () => {
  it('takes a single reading to calibrated_readings without waiting for any linger, interval or tick', async () => {
    const raw = uniqueName('idle-raw');
    const calibrated = uniqueName('idle-calibrated');
    const dlq = uniqueName('idle-dlq');
    await createTopics([raw, calibrated], { partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    await createTopics([dlq]);
    const schema = sinkSchema();
    const client = await pgClient();
    onTestFinished(async () => { await client.end(); });
    await migrate(client, schema);
    const { set } = await loadProfiles('calibration-profiles');

    const registries = {
      rawSink: new MetricsRegistry({ defaultMetrics: false }),
      calibrator: new MetricsRegistry({ defaultMetrics: false }),
      calibratedSink: new MetricsRegistry({ defaultMetrics: false }),
    };
    const sink = (mapping: 'raw' | 'calibrated', registry: MetricsRegistry): PostgresSink => {
      const s = new PostgresSink({
        mapping, topic: mapping === 'raw' ? raw : calibrated, dlqTopic: dlq, schema, databaseUrl: databaseUrl(),
        groupId: uniqueName(`idle-${mapping}-sink`), kafka: { bootstrapBrokers: brokers(), clientId: uniqueName(`idle-${mapping}-sink`) },
        sessionTimeoutMs: 10_000, idleCheckMs: TIMER_MS, metrics: new SinkMetrics(registry),
      });
      onTestFinished(async () => { await s.stop(); });
      return s;
    };
    const rawSink = sink('raw', registries.rawSink);
    const calibratedSink = sink('calibrated', registries.calibratedSink);
    const gate = new PostgresGate({ databaseUrl: databaseUrl(), schema, topic: raw, refreshIntervalMs: TIMER_MS });
    onTestFinished(async () => { await gate.close(); });
    const runtime = new StreamsRuntime({
      brokers: brokers(), applicationId: uniqueName('idle-calibrator'), instanceId: 'idle-0',
      taskFactory: buildCalibrationTopology({ profiles: () => set, rawTopic: raw, calibratedTopic: calibrated }),
      dlqTopic: dlq, commitIntervalMs: TIMER_MS, gate, metrics: prometheusRuntimeMetrics(registries.calibrator),
    });
    onTestFinished(async () => { await runtime.stop(); });
    await Promise.all([rawSink.start(), calibratedSink.start(), gate.start(), runtime.start()]);

    const producer = new Producer({ clientId: uniqueName('idle-producer'), bootstrapBrokers: brokers() });
    onTestFinished(async () => { await producer.close(); });
    const send = async (tsMs: number): Promise<void> => {
      const reading = { sensor_id: 'sensor-001', ts: new Date(tsMs).toISOString(), value: 21.5, unit: 'celsius' };
      await producer.send({ messages: [{ topic: raw, key: Buffer.from(`sensor-001|${tsMs}`), value: Buffer.from(JSON.stringify(reading)), timestamp: BigInt(tsMs) }] });
    };
    const calibratedRows = async (): Promise<number> =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".calibrated_readings`)).rows[0]!.n);

    // Warm-up: the first reading also waits for the group joins and the first connections.
    await send(Date.now());
    await waitFor(async () => await calibratedRows() === 1, { timeoutMs: 90_000, message: 'the warm-up reading calibrated' });
    await waitFor(() => rawSink.ready && calibratedSink.ready, { message: 'both sinks ready' });

    const stages = async (): Promise<Record<string, HistogramTotals>> => ({
      saved: await histogram(registries.rawSink, 'kalibra_sink_record_age_seconds'),
      rawBatches: await histogram(registries.rawSink, 'kalibra_sink_batch_records'),
      released: await histogram(registries.calibrator, 'kalibra_gate_release_seconds'),
      committed: await histogram(registries.calibrator, 'kalibra_record_commit_seconds'),
      transactions: await histogram(registries.calibrator, 'kalibra_transaction_commit_seconds'),
      stored: await histogram(registries.calibratedSink, 'kalibra_sink_record_commit_seconds'),
      endToEnd: await histogram(registries.calibratedSink, 'kalibra_sink_record_age_seconds'),
      calibratedBatches: await histogram(registries.calibratedSink, 'kalibra_sink_batch_records'),
    });
    const before = await stages();

    // The pipeline is idle: one reading, and nothing else.
    await send(Date.now());
    await waitFor(async () => await calibratedRows() === 2, { timeoutMs: ARRIVAL_TIMEOUT_MS, message: 'the single reading calibrated' });
    const after = await stages();
    const delta = Object.fromEntries(Object.entries(after).map(([stage, t]) => [stage, { count: t.count - before[stage]!.count, sum: t.sum - before[stage]!.sum }]));

    // Each hop handled exactly this record, alone: a batch of one, a transaction of one.
    for (const stage of ['saved', 'released', 'committed', 'transactions', 'stored', 'endToEnd', 'rawBatches', 'calibratedBatches']) {
      expect(delta[stage]!.count, stage).toBe(1);
    }
    expect(delta.rawBatches!.sum).toBe(1);
    expect(delta.calibratedBatches!.sum).toBe(1);
    // No hop waited for a timer: the longest of them is a minute; the whole way took a
    // fraction of the smallest one (the sum of the one sample is that stage's time).
    for (const stage of ['saved', 'released', 'committed', 'stored', 'endToEnd']) {
      expect(delta[stage]!.sum * 1000, stage).toBeLessThan(TIMER_MS / 10);
    }
    expect(delta.endToEnd!.sum).toBeGreaterThanOrEqual(delta.saved!.sum);
    console.info(`idle pipeline, one reading: ${Object.entries(delta).filter(([s]) => !s.endsWith('Batches')).map(([s, t]) => `${s} ${(t.sum * 1000).toFixed(1)} ms`).join(', ')}`);
  });
});
