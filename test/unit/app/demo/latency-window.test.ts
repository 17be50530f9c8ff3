import { describe, expect, it } from 'vitest';
import { LatencyWindow, percentile } from '../../../../app/demo/latency-window.ts';

describe('the reading-to-row latency window', () => {
  it('measures each row once, from its reading ts to when it was first seen', () => {
    const w = new LatencyWindow({ windowMs: 60_000, fromMs: 1_000 });
    w.observe(2_000, [{ sensorId: 'a', tsMs: 1_500 }]);
    w.observe(3_000, [{ sensorId: 'a', tsMs: 1_500 }, { sensorId: 'b', tsMs: 2_900 }]);
    expect(w.summary(3_000)).toEqual({ p50Ms: 100, p99Ms: 500, samples: 2, windowMs: 60_000 });
  });

  it('ignores back-filled readings taken before the live start', () => {
    const w = new LatencyWindow({ windowMs: 60_000, fromMs: 10_000 });
    w.observe(11_000, [{ sensorId: 'a', tsMs: 5_000 }]);
    expect(w.summary(11_000).samples).toBe(0);
  });

  it('forgets samples older than the window', () => {
    const w = new LatencyWindow({ windowMs: 1_000, fromMs: 0 });
    w.observe(1_000, [{ sensorId: 'a', tsMs: 900 }]);
    w.observe(5_000, [{ sensorId: 'a', tsMs: 4_000 }]);
    expect(w.summary(5_000)).toMatchObject({ p50Ms: 1_000, samples: 1 });
    expect(w.since(5_000)).toBe(4_000);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
