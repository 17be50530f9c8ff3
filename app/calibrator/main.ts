// bin/calibrator: readings.raw → calibrate with the profile version in force → readings.calibrated,
// exactly once, gated on the raw sink having saved each reading: parse, run (the Postgres gate
// included) until SIGTERM/SIGINT.
import { loadConfigOrExit } from '../../topology/core/ops/index.ts';
import { calibratorCommandOptions } from './calibrator-options.ts';

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const config = loadConfigOrExit(calibratorCommandOptions, {
    usage: 'bin/calibrator [options]',
    summary: 'Calibrates raw readings into calibrated readings, exactly once, with hot-reloaded profiles. Serves /healthz, /readyz and /metrics.',
  });
  // Loaded only now: --help and argument errors never load the Kafka client or pg.
  const { runCalibrator } = await import('./run-calibrator.ts');
  await runCalibrator(config.values, config.secrets);
}
