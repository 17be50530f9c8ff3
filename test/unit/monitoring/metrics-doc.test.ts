// docs/metrics.md is generated from the code that registers the metrics; this fails when it
// is stale. The names follow Prometheus' conventions, checked on the same catalog.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricCatalog, renderMetricsDoc, UNIT_SUFFIXES } from '../../../dev/monitoring/metric-catalog.ts';
import { repoRoot } from '../../helpers/sink-fixtures.ts';

describe('docs/metrics.md', () => {
  it('is what dev/metrics-reference.ts generates (run it with --write after changing a metric)', () => {
    expect(readFileSync(join(repoRoot, 'docs/metrics.md'), 'utf8')).toBe(renderMetricsDoc(metricCatalog()));
  });
});

describe('metric names', () => {
  const catalog = metricCatalog();

  it('are unique and snake_case under the one kalibra_ prefix', () => {
    expect(new Set(catalog.map((m) => m.name)).size).toBe(catalog.length);
    for (const { name } of catalog) expect(name).toMatch(/^kalibra_[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });

  it('end in _total exactly when they are counters', () => {
    for (const { name, type } of catalog) expect(name.endsWith('_total'), name).toBe(type === 'counter');
  });

  it('of histograms end in their base unit', () => {
    for (const { name } of catalog.filter((m) => m.type === 'histogram')) {
      expect(UNIT_SUFFIXES.some((unit) => name.endsWith(`_${unit}`)), name).toBe(true);
    }
  });

  it('never use a scaled unit (milliseconds, minutes, kilobytes, ...)', () => {
    for (const { name } of catalog) expect(name).not.toMatch(/_(ms|millis|milliseconds|minutes|hours|kb|mb|kilobytes|megabytes|percent)(_|$)/);
  });

  it('have help text and label names in snake_case', () => {
    for (const { name, help, labels } of catalog) {
      expect(help.length, name).toBeGreaterThan(10);
      for (const label of labels) expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });
});
