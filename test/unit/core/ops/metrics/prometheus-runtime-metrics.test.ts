import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../../../topology/core/ops/metrics/metrics-registry.js';
import { prometheusRuntimeMetrics } from '../../../../../topology/core/ops/metrics/prometheus-runtime-metrics.js';

function setup() {
  const registry = new MetricsRegistry({ defaultMetrics: false });
  return { registry, metrics: prometheusRuntimeMetrics(registry) };
}

describe('prometheusRuntimeMetrics', () => {
  it('counts records in and out by topic', async () => {
    const { registry, metrics } = setup();
    metrics.recordsIn('readings.raw', 0, 3);
    metrics.recordsIn('readings.raw', 1, 2);
    metrics.recordsOut('readings.calibrated', 4);
    const text = await registry.text();
    expect(text).toContain('kalibra_records_in_total{topic="readings.raw"} 5');
    expect(text).toContain('kalibra_records_out_total{topic="readings.calibrated"} 4');
  });

  it('counts dead-lettered records by error code', async () => {
    const { registry, metrics } = setup();
    metrics.deadLettered('INVALID_VALUE', 2);
    metrics.deadLettered('NOT_JSON', 1);
    const text = await registry.text();
    expect(text).toContain('kalibra_dlq_records_total{code="INVALID_VALUE"} 2');
    expect(text).toContain('kalibra_dlq_records_total{code="NOT_JSON"} 1');
  });

  it('records commit latency in seconds in a histogram, and aborts by reason', async () => {
    const { registry, metrics } = setup();
    metrics.transactionCommitted(20, 100);
    metrics.transactionCommitted(3000, 50);
    metrics.transactionAborted('FENCED');
    const text = await registry.text();
    expect(text).toContain('kalibra_transaction_commit_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('kalibra_transaction_commit_seconds_count 2');
    expect(text).toContain('kalibra_transaction_commit_seconds_sum 3.02');
    expect(text).toContain('kalibra_transaction_records_total 150');
    expect(text).toContain('kalibra_transactions_aborted_total{reason="FENCED"} 1');
  });

  it('keeps the latest consumer lag per partition', async () => {
    const { registry, metrics } = setup();
    metrics.consumerLag('readings.raw', 0, 10);
    metrics.consumerLag('readings.raw', 0, 4);
    metrics.consumerLag('readings.raw', 1, 7);
    const text = await registry.text();
    expect(text).toContain('kalibra_consumer_lag{topic="readings.raw",partition="0"} 4');
    expect(text).toContain('kalibra_consumer_lag{topic="readings.raw",partition="1"} 7');
  });

  it('records gate waits in seconds', async () => {
    const { registry, metrics } = setup();
    metrics.gateWait(2);
    expect(await registry.text()).toContain('kalibra_gate_wait_seconds_bucket{le="0.0025"} 1');
  });

  it('marks only the current runtime state with 1', async () => {
    const { registry, metrics } = setup();
    metrics.stateChanged('starting');
    metrics.stateChanged('running');
    const text = await registry.text();
    expect(text).toContain('kalibra_runtime_state{state="starting"} 0');
    expect(text).toContain('kalibra_runtime_state{state="running"} 1');
  });

  it('never throws, even for values prom-client rejects', () => {
    const { metrics } = setup();
    expect(() => metrics.recordsIn('t', 0, -1)).not.toThrow();
  });
});

describe('MetricsRegistry', () => {
  it('prefixes metrics other components register and serves them with the runtime metrics', async () => {
    const { registry, metrics } = setup();
    registry.histogram({ name: 'sink_batch_records', help: 'Records per sink batch.', labelNames: ['connector'], buckets: [10, 100] })
      .observe({ connector: 'raw' }, 42);
    registry.counter({ name: 'profile_reloads_total', help: 'Profile reloads.', labelNames: ['result'] }).inc({ result: 'rejected' });
    metrics.recordsOut('t', 1);
    const text = await registry.text();
    expect(text).toContain('kalibra_sink_batch_records_bucket{le="100",connector="raw"} 1');
    expect(text).toContain('kalibra_profile_reloads_total{result="rejected"} 1');
    expect(text).toContain('kalibra_records_out_total{topic="t"} 1');
  });

  it('returns the same metric when two components register the same name', () => {
    const registry = new MetricsRegistry({ defaultMetrics: false });
    const first = registry.counter({ name: 'x_total', help: 'x' });
    expect(registry.counter({ name: 'x_total', help: 'x' })).toBe(first);
    expect(() => registry.gauge({ name: 'x_total', help: 'x' })).toThrow(expect.objectContaining({ code: 'METRIC_CONFLICT' }));
  });

  it('adds default labels and Node process metrics when asked', async () => {
    const registry = new MetricsRegistry({ defaultLabels: { instance: 'calibrator-0' } });
    registry.counter({ name: 'y_total', help: 'y' }).inc();
    const text = await registry.text();
    expect(text).toContain('kalibra_y_total{instance="calibrator-0"} 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{instance="calibrator-0"\} /m);
  });
});
