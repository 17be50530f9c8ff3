// bin/calibrator: readings.raw → calibrate with the profile version in force → readings.calibrated,
// exactly once, gated on the raw sink having saved each reading. Thin: parse, wire the Postgres
// gate into the calibrator, run until SIGTERM/SIGINT.
import { PostgresGate } from '../connectors/postgres/gate.ts';
import { loadConfigOrExit } from '../topology/core/ops/index.ts';
import { calibratorCommandOptions } from '../app/calibrator/calibrator-options.ts';
import { runCalibrator } from '../app/calibrator/run-calibrator.ts';

const config = loadConfigOrExit(calibratorCommandOptions, {
  usage: 'bin/calibrator [options]',
  summary: 'Calibrates raw readings into calibrated readings, exactly once, with hot-reloaded profiles. Serves /healthz, /readyz and /metrics.',
});
await runCalibrator(config.values, config.secrets, {
  async createGate(values, databaseUrl) {
    const gate = new PostgresGate({ databaseUrl, topic: values.topicRaw, connector: values.gateConnector, schema: values.gateSchema, applicationName: 'kalibra-calibrator-gate' });
    await gate.start();
    return gate;
  },
});
