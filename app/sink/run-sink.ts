// Runs one sink as a process on topology/core/ops: JSON logs with secrets redacted,
// /healthz /readyz /metrics, and a clean stop on SIGTERM/SIGINT (the open batch finishes or
// rolls back, the group is left, exit 0 within the grace period). What bin/sink calls.
import { kafkaConnectionOptions, startProcessOps } from '../../topology/core/ops/index.ts';
import type { ProcessOps } from '../../topology/core/ops/index.ts';
import type { SinkCommandConfig } from './sink-command-options.ts';
import { sinkOptionsFromConfig } from './sink-command-options.ts';
import { SinkMetrics } from '../../connectors/postgres/sink-metrics.ts';
import { PostgresSink } from '../../connectors/postgres/sink-runtime.ts';

export interface RunningSink {
  readonly sink: PostgresSink;
  readonly ops: ProcessOps;
}

export async function runSink(config: SinkCommandConfig, secrets: readonly string[]): Promise<RunningSink> {
  const ops = await startProcessOps({ name: 'sink', config, secrets });
  const kafka = await kafkaConnectionOptions(config, { defaultClientId: `kalibra-sink-${config.mapping}` });
  const options = sinkOptionsFromConfig(config, { ...kafka, clientId: `${kafka.clientId}-${ops.instanceId}` });
  const sink = new PostgresSink({ ...options, logger: ops.logger, metrics: new SinkMetrics(ops.metrics) });
  ops.readiness.addCheck('sink-consuming-and-database-reachable', () => sink.ready);
  ops.shutdown.onClose('sink', () => sink.stop());
  // Fenced by a member with the same instance id: the process ends (exit 1) instead of fighting it.
  void sink.failed.then(() => {
    if (!ops.shutdown.signal.aborted) void ops.shutdown.shutdown('the sink failed', true);
  });
  await sink.start();
  if (!sink.healthy) return { sink, ops }; // stopped while still starting
  ops.logger.info('started', { mapping: config.mapping, topic: options.topic, schema: options.schema, httpPort: ops.server.port });
  return { sink, ops };
}
