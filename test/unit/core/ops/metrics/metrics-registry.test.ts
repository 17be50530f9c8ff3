import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../../../topology/core/ops/metrics/metrics-registry.ts';

describe('MetricsRegistry', () => {
  it('prefixes the names of metrics that components register', async () => {
    const registry = new MetricsRegistry({ defaultMetrics: false });
    registry.histogram({ name: 'sink_batch_records', help: 'Records per sink batch.', labelNames: ['connector'], buckets: [10, 100] })
      .observe({ connector: 'raw' }, 42);
    registry.counter({ name: 'profile_reloads_total', help: 'Profile reloads.', labelNames: ['result'] }).inc({ result: 'rejected' });
    const text = await registry.text();
    expect(text).toContain('kalibra_sink_batch_records_bucket{le="100",connector="raw"} 1');
    expect(text).toContain('kalibra_profile_reloads_total{result="rejected"} 1');
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
