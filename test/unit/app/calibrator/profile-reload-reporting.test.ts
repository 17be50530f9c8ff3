import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../topology/core/ops/log/logger.ts';
import { MetricsRegistry } from '../../../../topology/core/ops/metrics/metrics-registry.ts';
import { profileInvalid } from '../../../../calibration/errors.ts';
import { profileSetOf } from '../../../../calibration/profile.ts';
import { parseProfile } from '../../../../calibration/profile-parser.ts';
import { profileReloadReporter } from '../../../../app/calibrator/profile-reload-reporting.ts';

function setOfOne(): ReturnType<typeof profileSetOf> {
  const result = parseProfile('s1.yaml', 'sensor: s1\ninput_unit: c\nunit: c\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: 0}\n  - {valid_from: 2026-01-01, method: linear, gain: 1, offset: 1}\n');
  if (!result.ok) throw new Error('fixture invalid');
  return profileSetOf([result.profile]);
}

describe('profileReloadReporter', () => {
  it('logs and counts applied and rejected reloads, and gauges the set in force', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ stream: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); return true; } } });
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const reporter = profileReloadReporter(logger, metrics);

    reporter.started(setOfOne(), '/etc/kalibra/profiles');
    reporter.onReload({ set: setOfOne(), fingerprint: 'ab'.repeat(32), filesParsed: 1, durationMs: 12.4 });
    reporter.onRejected(profileInvalid([{ file: 'p/s1.yaml', line: 7, col: 11, message: 'versions[0].gain: expected number, received string' }]));

    const text = await metrics.text();
    expect(text).toContain('kalibra_profile_reloads_total{result="applied"} 1');
    expect(text).toContain('kalibra_profile_reloads_total{result="rejected"} 1');
    expect(text).toContain('kalibra_profile_sensors 1');
    expect(text).toContain('kalibra_profile_versions 2');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'calibration profiles loaded'],
      ['info', 'calibration profiles reloaded'],
      ['error', 'calibration profiles rejected; the previous profiles stay in force'],
    ]);
    expect(lines[1]).toMatchObject({ sensors: 1, versions: 2, fingerprint: 'ab'.repeat(6), filesParsed: 1, ms: 12 });
    expect(lines[2]).toMatchObject({ code: 'PROFILE_INVALID', issues: ['p/s1.yaml:7:11: versions[0].gain: expected number, received string'] });
  });

  it('exposes zero counts before any reload', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    profileReloadReporter(createLogger({ stream: { write: () => true } }), metrics);
    expect(await metrics.text()).toContain('kalibra_profile_reloads_total{result="rejected"} 0');
  });
});
