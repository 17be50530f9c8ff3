import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../../../topology/core/ops/metrics/metrics-registry.ts';
import { prometheusRuntimeMetrics } from '../../../../../topology/core/ops/metrics/prometheus-runtime-metrics.ts';

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
    expect(text).toContain('kalibra_consumer_lag_records{topic="readings.raw",partition="0"} 4');
    expect(text).toContain('kalibra_consumer_lag_records{topic="readings.raw",partition="1"} 7');
  });

  it('records gate waits in seconds', async () => {
    const { registry, metrics } = setup();
    metrics.gateWait(2);
    expect(await registry.text()).toContain('kalibra_gate_wait_seconds_bucket{le="0.0025"} 1');
  });

  it('keeps the latest replay remainder per partition', async () => {
    const { registry, metrics } = setup();
    metrics.replayRemaining('readings.raw', 0, 120);
    metrics.replayRemaining('readings.raw', 0, 0);
    expect(await registry.text()).toContain('kalibra_replay_remaining_records{topic="readings.raw",partition="0"} 0');
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

describe('prometheusRuntimeMetrics with other components', () => {
  it('shares the registry with metrics registered by others', async () => {
    const { registry, metrics } = setup();
    registry.counter({ name: 'profile_reloads_total', help: 'Profile reloads.' }).inc();
    metrics.recordsOut('t', 1);
    const text = await registry.text();
    expect(text).toContain('kalibra_profile_reloads_total 1');
    expect(text).toContain('kalibra_records_out_total{topic="t"} 1');
  });
});
