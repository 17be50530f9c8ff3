// Runs the calibrator as a process: profiles loaded and watched, the calibration topology on
// the exactly-once runtime, the save-before-calibrate gate, /healthz /readyz /metrics, JSON
// logs, and a clean stop on SIGTERM/SIGINT. The gate is the Postgres gate over the raw sink's
// offsets (connectors/postgres/gate.ts), or in Connect mode (KALIBRA_GATE_MODE=connect) the
// gate over the raw connector's committed offsets (connectors/postgres/connect-gate.ts),
// unless a caller passes another.
import { ConnectGate } from '../../connectors/postgres/connect-gate.ts';
import { PostgresGate } from '../../connectors/postgres/gate.ts';
import type { Gate } from '../../topology/index.ts';
import type { ConfigValues } from '../../topology/core/ops/index.ts';
import { brokerUnreachableMessage, isBrokerUnreachable, kafkaConnectionOptions, type Logger, type ProcessOps, startProcessOps } from '../../topology/core/ops/index.ts';
import { StreamsRuntime } from '../../topology/index.ts';
import type { calibratorCommandOptions } from './calibrator-options.ts';
import { buildCalibrationTopology, outputPartitionKey } from '../../calibration/calibration-topology.ts';
import { profileReloadReporter } from './profile-reload-reporting.ts';
import { selectsRecord } from '../../contract/replay-selector.ts';
import { watchProfiles } from '../profile-files/profile-watcher.ts';

export type CalibratorConfig = ConfigValues<typeof calibratorCommandOptions>;

export interface ClosableGate extends Gate {
  close(): Promise<void>;
  /** Why the gate admits nothing new right now (shown on /readyz), or undefined when it works. */
  readonly unavailableReason?: string | undefined;
}

export interface CalibratorDependencies {
  /** Builds and starts the gate over the raw topic; called only when the gate is on. */
  createGate(config: CalibratorConfig, databaseUrl: string, logger: Logger): Promise<ClosableGate>;
}

/** The save-before-calibrate gate: the raw sink's committed offsets in Postgres. */
export async function createPostgresGate(config: CalibratorConfig, databaseUrl: string, logger: Logger): Promise<ClosableGate> {
  const gate = new PostgresGate({
    databaseUrl, topic: config.topicRaw, connector: config.gateConnector, schema: config.gateSchema, applicationName: 'kalibra-calibrator-gate', logger,
  });
  await gate.start();
  return gate;
}

/** Connect mode: the gate over the raw Kafka Connect sink's committed consumer offsets (no Postgres needed). */
export async function createConnectGate(config: CalibratorConfig, _databaseUrl: string, logger: Logger): Promise<ClosableGate> {
  const kafka = await kafkaConnectionOptions(config, { defaultClientId: 'kalibra-calibrator' });
  const gate = new ConnectGate({ kafka, group: config.gateConnectGroup, topic: config.topicRaw, pollIntervalMs: config.gatePollInterval, logger });
  await gate.start();
  return gate;
}

/** The gate KALIBRA_GATE_MODE names. */
export function createConfiguredGate(config: CalibratorConfig, databaseUrl: string, logger: Logger): Promise<ClosableGate> {
  return config.gateMode === 'connect' ? createConnectGate(config, databaseUrl, logger) : createPostgresGate(config, databaseUrl, logger);
}

/** The longest wait between two attempts to start the runtime while no broker answers. */
const START_BACKOFF_MAX_MS = 10_000;

export interface RunningCalibrator {
  readonly runtime: StreamsRuntime;
  readonly ops: ProcessOps;
}

export async function runCalibrator(config: CalibratorConfig, secrets: readonly string[],
  deps: CalibratorDependencies = { createGate: createConfiguredGate }): Promise<RunningCalibrator> {
  const ops = await startProcessOps({ name: 'calibrator', config, secrets });
  const { logger } = ops;
  // Not ready until the profiles are loaded and the runtime is running (checked below).
  ops.readiness.set('profiles-loaded', false, `loading calibration profiles from ${config.profilesDir}`);
  let runtime: StreamsRuntime | undefined;
  ops.readiness.addCheck('kafka', () => {
    const health = runtime?.health() ?? { ok: false, reason: 'the runtime is starting' };
    return health.ok || { reason: health.reason };
  });

  const reporter = profileReloadReporter(logger, ops.metrics);
  const loadStartedAt = performance.now();
  const watcher = await watchProfiles({
    dir: config.profilesDir,
    maxFileBytes: config.profileMaxBytes,
    onReload: (reload) => reporter.onReload(reload),
    onRejected: (error) => reporter.onRejected(error),
  });
  reporter.started(watcher.current(), config.profilesDir, performance.now() - loadStartedAt);
  ops.readiness.set('profiles-loaded', true);
  ops.shutdown.onClose('profile-watcher', () => watcher.close());

  let gate: ClosableGate | undefined;
  if (config.gate) {
    gate = await deps.createGate(config, config.databaseUrl.reveal(), logger);
    const opened = gate;
    ops.shutdown.onClose('gate', () => opened.close());
    ops.readiness.addCheck(config.gateMode === 'connect' ? 'connect-gate' : 'postgres-gate', () => {
      const reason = opened.unavailableReason;
      return reason === undefined || { reason };
    });
    if (config.gateMode === 'connect' && config.outputFormat !== 'connect-json') {
      logger.warn('Connect mode gate with KALIBRA_OUTPUT_FORMAT=kalibra: the calibrated JDBC sink connector reads Connect JSON and would dead-letter every record (set KALIBRA_OUTPUT_FORMAT=connect-json)');
    }
  } else {
    logger.warn('the save-before-calibrate gate is off: readings may be calibrated before the raw sink has saved them');
  }

  const kafka = await kafkaConnectionOptions(config, { defaultClientId: 'kalibra-calibrator' });
  const createRuntime = (): StreamsRuntime => new StreamsRuntime({
    brokers: kafka.bootstrapBrokers.map(String),
    connection: { ...kafka, clientId: `${kafka.clientId}-${ops.instanceId}` },
    applicationId: config.groupId,
    instanceId: ops.instanceId,
    taskFactory: buildCalibrationTopology({
      profiles: () => watcher.current(),
      rawTopic: config.topicRaw,
      calibratedTopic: config.topicCalibrated,
      outputFormat: config.outputFormat,
    }),
    processingGuarantee: config.processingGuarantee,
    commitIntervalMs: config.commitInterval,
    dlqTopic: config.topicDlq,
    gate,
    partitionKey: outputPartitionKey(config.outputFormat),
    // bin/replay's requests: applied at a transaction boundary, the selector decided by key.
    replay: { stateTopic: config.topicReplayState, selects: selectsRecord },
    metrics: ops.runtimeMetrics,
    logger,
  });
  // Registered last so it runs first: the runtime commits or aborts before the gate and the
  // profiles it uses are closed.
  ops.shutdown.onClose('runtime', () => runtime?.stop());
  // No broker at start is waited out (not ready meanwhile, one log line naming the address),
  // like an outage later; any other failure to start (e.g. a missing topic) ends the process.
  for (let attempt = 0; ; attempt++) {
    const candidate = createRuntime();
    runtime = candidate;
    try {
      await candidate.start();
      candidate.on('state', (state) => {
        if (state === 'failed' && !ops.shutdown.signal.aborted) void ops.shutdown.shutdown('the runtime failed', true);
      });
      if (attempt > 0) logger.info('the Kafka broker answers; starting', { brokers: kafka.bootstrapBrokers.map(String).join(','), attempts: attempt + 1 });
      break;
    } catch (error) {
      if (ops.shutdown.signal.aborted || !isBrokerUnreachable(error)) throw error;
      if (attempt === 0) {
        logger.warn(`${brokerUnreachableMessage(kafka.bootstrapBrokers, error)}; waiting for it (not ready meanwhile)`);
      }
      runtime = undefined;
      await delay(Math.min(START_BACKOFF_MAX_MS, 500 * 2 ** attempt), ops.shutdown.signal);
      if (ops.shutdown.signal.aborted) return { runtime: candidate, ops };
    }
  }
  logger.info('started', { group: config.groupId, raw: config.topicRaw, calibrated: config.topicCalibrated, gate: config.gate ? config.gateMode : false, httpPort: ops.server.port });
  return { runtime, ops };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
