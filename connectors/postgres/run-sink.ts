// Runs one sink as a process: health server, the sink, and a clean stop on SIGTERM/SIGINT
// (roll back or finish the open batch, leave the group, exit 0 within the grace period).
// What bin/sink calls; kept here so it is importable and tested without spawning.
import { startHealthServer } from './health-server.js';
import { jsonLogger } from './json-logger.js';
import type { SinkConfig } from './sink-config.js';
import { SinkMetrics } from './sink-metrics.js';
import { PostgresSink } from './sink-runtime.js';

export interface RunningSink {
  readonly sink: PostgresSink;
  readonly httpPort: number;
  /** Resolves when the sink has stopped (after a signal or stop()). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

export async function runSink(config: SinkConfig, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<RunningSink> {
  const logger = jsonLogger(config.logLevel, undefined, { mapping: config.sink.mapping, instance: config.sink.instanceId });
  const metrics = new SinkMetrics({ connector: config.sink.connector ?? `kalibra-sink-${config.sink.mapping}`, topic: config.sink.topic });
  const sink = new PostgresSink({ ...config.sink, logger, metrics });
  const server = await startHealthServer(config.httpPort, sink, metrics.registry);
  let resolveStopped!: () => void;
  let rejectStopped!: (error: unknown) => void;
  const stopped = new Promise<void>((resolve, reject) => { resolveStopped = resolve; rejectStopped = reject; });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('stopping');
      try {
        await sink.stop();
        logger.info('stopped');
        resolveStopped();
      } catch (error) {
        rejectStopped(error);
      } finally {
        await server.close();
      }
    })();
    return stopping;
  };
  for (const signal of signals) process.once(signal, () => { void stop(); });
  await sink.start();
  logger.info('started', { topic: config.sink.topic, schema: config.sink.schema, httpPort: server.port });
  return { sink, httpPort: server.port, stopped, stop };
}
