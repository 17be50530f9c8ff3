// Everything a long-running Kalibra process needs around its real work, wired in one call:
// JSON logger (secrets redacted), Prometheus registry with the runtime metrics, readiness,
// the /healthz /readyz /metrics server, and signal-driven shutdown. It starts nothing that
// touches Kafka or Postgres; the process registers its own close hooks on `shutdown`.
import type { RuntimeMetrics } from '../metrics.ts';
import type { ConfigValues } from './config/option.ts';
import { resolveInstanceId } from './config/process-options.ts';
import type { processOptions } from './config/process-options.ts';
import { Readiness } from './http/readiness.ts';
import { startOpsServer } from './http/ops-server.ts';
import type { OpsServer } from './http/ops-server.ts';
import { createLogger } from './log/logger.ts';
import type { Logger, LoggerOptions } from './log/logger.ts';
import { MetricsRegistry } from './metrics/metrics-registry.ts';
import type { GaugeSpec } from './metrics/metrics-registry.ts';
import { prometheusRuntimeMetrics } from './metrics/prometheus-runtime-metrics.ts';
import { Shutdown } from './shutdown/shutdown.ts';

export interface ProcessOpsOptions {
  /** The command, e.g. `calibrator`: every log line carries it as `process`. */
  name: string;
  /** KALIBRA_HTTP_PORT, KALIBRA_LOG_LEVEL, KALIBRA_INSTANCE_ID as parsed (extra fields are ignored). */
  config: ConfigValues<typeof processOptions>;
  /** ParsedConfig.secrets: cut out of every log line. */
  secrets: readonly string[];
  /** Interface of the ops server; default all interfaces. */
  host?: string;
  /** Overall budget of the close hooks, ms; default 10 000. */
  shutdownDeadlineMs?: number;
  /** Default true: SIGTERM/SIGINT start the shutdown. */
  installSignals?: boolean;
  /**
   * Default true: an uncaught exception or unhandled rejection is logged as one JSON line and
   * starts a shutdown that exits 1, instead of Node's plain-text crash that skips the close hooks.
   */
  handleFatalErrors?: boolean;
  /** Log destination; default stderr. */
  logStream?: LoggerOptions['stream'];
  /** Ends the process; default process.exit. */
  exit?: (code: number) => void;
}

export interface ProcessOps {
  readonly instanceId: string;
  readonly logger: Logger;
  /** Register further metrics here (sink batch size, profile reloads, ...). */
  readonly metrics: MetricsRegistry;
  /** Pass to the runtime. */
  readonly runtimeMetrics: RuntimeMetrics;
  /** Set conditions here (consumer assigned, database reachable). */
  readonly readiness: Readiness;
  /** Register close hooks here; the ops server is closed last, so probes answer while draining. */
  readonly shutdown: Shutdown;
  readonly server: OpsServer;
}

/** `kalibra_ready`: what /readyz answers, as a series (1 ready, 0 not), evaluated at each scrape. */
export function readyMetric(readiness: Readiness): GaugeSpec<never> {
  return {
    name: 'ready',
    help: '1 when the process is ready (what /readyz answers with 200), else 0; evaluated at each scrape.',
    collect: async () => ((await readiness.report()).ready ? 1 : 0),
  };
}

export async function startProcessOps(options: ProcessOpsOptions): Promise<ProcessOps> {
  const instanceId = resolveInstanceId(options.config.instanceId);
  const logger = createLogger({
    level: options.config.logLevel,
    secrets: options.secrets,
    base: { process: options.name, instance: instanceId },
    ...(options.logStream === undefined ? {} : { stream: options.logStream }),
  });
  const metrics = new MetricsRegistry();
  const readiness = new Readiness();
  const shutdown = new Shutdown({
    logger,
    onStart: () => readiness.markShuttingDown(),
    ...(options.shutdownDeadlineMs === undefined ? {} : { deadlineMs: options.shutdownDeadlineMs }),
    ...(options.exit === undefined ? {} : { exit: options.exit }),
  });
  metrics.gauge(readyMetric(readiness));
  const server = await startOpsServer({ port: options.config.httpPort, readiness, metrics, logger, ...(options.host === undefined ? {} : { host: options.host }) });
  shutdown.onClose('ops-server', () => server.close());

  if (options.installSignals ?? true) shutdown.install();
  if (options.handleFatalErrors ?? true) {
    let fatalSeen = false;
    const fatal = (what: string) => (error: unknown): void => {
      // Only the first: a failure inside the shutdown must not start another one.
      if (fatalSeen) return;
      fatalSeen = true;
      logger.error(what, { error });
      void shutdown.shutdown(what, true);
    };
    process.on('uncaughtException', fatal('uncaught exception'));
    process.on('unhandledRejection', fatal('unhandled rejection'));
  }
  return { instanceId, logger, metrics, runtimeMetrics: prometheusRuntimeMetrics(metrics), readiness, shutdown, server };
}
