// Turns the profile watcher's events into the log lines and Prometheus metrics the
// calibrator promises (docs/architecture.md#calibration-profiles): each applied or rejected reload is
// logged and counted, and the size of the set in force is a gauge. It only reports; it
// must never change which profiles are in force.
import type { Logger, MetricsRegistry } from '../../topology/core/ops/index.ts';
import { formatIssue } from '../../calibration/errors.ts';
import type { CalibrationError } from '../../calibration/errors.ts';
import type { ProfileSet } from '../../calibration/profile.ts';
import type { ProfileReload } from '../profile-files/profile-watcher.ts';

export interface ProfileReloadReporter {
  /** Records the set the process started with (no reload counted), and how long loading it took. */
  started(set: ProfileSet, dir: string, durationMs?: number): void;
  onReload(reload: ProfileReload): void;
  onRejected(error: CalibrationError): void;
}

export function profileReloadReporter(logger: Logger, metrics: MetricsRegistry): ProfileReloadReporter {
  const reloads = metrics.counter<'result'>({
    name: 'profile_reloads_total',
    help: 'Calibration profile reloads, by result: applied (now in force) or rejected (invalid; the previous profiles stay in force).',
    labelNames: ['result'],
  });
  const sensors = metrics.gauge({ name: 'profile_sensors', help: 'Sensors with a calibration profile in force.' });
  const versions = metrics.gauge({ name: 'profile_versions', help: 'Calibration profile versions in force, over all sensors.' });
  // Both series exist from the start, so a rate() over them is defined before the first reload.
  reloads.inc({ result: 'applied' }, 0);
  reloads.inc({ result: 'rejected' }, 0);

  const measure = (set: ProfileSet): { sensors: number; versions: number } => {
    const counts = { sensors: set.profiles.size, versions: [...set.profiles.values()].reduce((n, p) => n + p.versions.length, 0) };
    sensors.set(counts.sensors);
    versions.set(counts.versions);
    return counts;
  };

  return {
    started(set, dir, durationMs) {
      logger.info('calibration profiles loaded', { dir, ...measure(set), ...(durationMs === undefined ? {} : { ms: Math.round(durationMs) }) });
    },
    onReload(reload) {
      reloads.inc({ result: 'applied' });
      logger.info('calibration profiles reloaded', {
        ...measure(reload.set), fingerprint: reload.fingerprint.slice(0, 12), filesParsed: reload.filesParsed, ms: Math.round(reload.durationMs),
      });
    },
    onRejected(error) {
      reloads.inc({ result: 'rejected' });
      logger.error('calibration profiles rejected; the previous profiles stay in force', {
        code: error.code,
        issues: error.issues.length > 0 ? error.issues.map(formatIssue) : [error.message],
      });
    },
  };
}
