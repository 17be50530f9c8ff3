// bin/simulate: a fleet of sensors producing realistic raw readings to the raw topic.
import {
  ExitCodes, brokerUnreachableMessage, isBrokerUnreachable, kafkaConnectionOptions, kafkaErrorReasons, kafkaOptions, loadConfigOrExit, parseTimeSpec,
  requireBrokerOrExit,
} from '../../topology/core/ops/index.ts';
import { fleet } from './sensor-models.ts';
import { simulatorOptions } from './simulator-options.ts';
import { topicOptions } from '../../contract/topic-options.ts';

/** How long a stop may take (closing the producer) before the process exits anyway. */
const STOP_GRACE_MS = 2_000;

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const declarations = { ...kafkaOptions, topicRaw: topicOptions.topicRaw, ...simulatorOptions };
  const { values } = loadConfigOrExit(declarations, {
    usage: 'bin/simulate [options]',
    summary: 'Sends realistic raw readings of a sensor fleet to the raw topic (keys and partitioning: docs/architecture.md#topics).',
    epilog: 'Example: bin/simulate --start 2d --rate 200 --duration 1m   (two days of history, then a minute live)\n'
      + 'Durations need a unit (30s, 10m). Exit: 0 sent readings; 1 sent nothing; 2 bad arguments.',
  });

  let startMs: number | undefined;
  try {
    startMs = values.start === undefined ? undefined : parseTimeSpec(values.start, Date.now(), '--start');
  } catch (error) {
    process.stderr.write(`bin/simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }

  // Ctrl-C or SIGTERM stop it at any moment: the sending loop ends at once, and if closing the
  // producer hangs (no broker), the process does not wait for it.
  const controller = new AbortController();
  const stop = (): void => {
    controller.abort();
    setTimeout(() => process.exit(ExitCodes.interrupted), STOP_GRACE_MS).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const sensors = fleet(values.sensors);
  const intervalMs = Math.max(1, Math.round((sensors.length * 1000) / values.rate));
  if (startMs === undefined && values.duration !== undefined && values.duration < intervalMs) {
    // Nothing would be sent: say so at once, without reaching for a broker.
    process.stdout.write(`${JSON.stringify({ readings: 0, duplicates: 0, malformed: 0, backfilled: false, topic: values.topicRaw, sensors: sensors.length })}\n`);
    process.stderr.write(`bin/simulate: sent nothing (no --start and --duration ${values.duration} ms is shorter than one reading interval, ${intervalMs} ms)\n`);
    process.exitCode = 1;
    return;
  }
  const connection = await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-simulate' });
  await requireBrokerOrExit('bin/simulate', connection, { signal: controller.signal });
  // Loaded only now: --help and argument errors never load the Kafka client.
  const { runSimulator } = await import('./run-simulator.ts');
  let lastReport = 0;
  const stats = await runSimulator({
    connection,
    topic: values.topicRaw,
    rawFormat: values.rawFormat,
    fleet: sensors,
    seed: values.seed,
    intervalMs,
    malformedRate: values.malformedPercent / 100,
    duplicateRate: values.duplicatePercent / 100,
    startMs,
    durationMs: values.duration,
    maxRecords: values.maxRecords,
    signal: controller.signal,
    onBatch: (s) => {
      if (Date.now() - lastReport < 1000) return;
      lastReport = Date.now();
      const at = s.lastTsMs === undefined ? '' : ` up to ${new Date(s.lastTsMs).toISOString()}`;
      process.stderr.write(`sent ${s.readings} readings, ${s.duplicates} duplicates, ${s.malformed} malformed${at}\n`);
    },
  }).catch((error: unknown) => {
    if (isBrokerUnreachable(error)) {
      process.stderr.write(`bin/simulate: ${brokerUnreachableMessage(connection.bootstrapBrokers, error)}\n`);
      return process.exit(ExitCodes.brokerUnreachable);
    }
    // One line that names what the broker said (e.g. TOPIC_AUTHORIZATION_FAILED), not a stack trace.
    const apiId = (error as { apiId?: unknown } | null)?.apiId;
    process.stderr.write(`bin/simulate: ${typeof apiId === 'string' ? `${apiId}: ` : ''}${error instanceof Error ? error.message : String(error)}${kafkaErrorReasons(error)}\n`);
    return process.exit(1);
  });
  process.stdout.write(`${JSON.stringify({ ...stats, topic: values.topicRaw, sensors: sensors.length })}\n`);
  if (stats.readings + stats.duplicates + stats.malformed === 0) {
    // Say it rather than exit 0 quietly: a run that sent nothing is never what was meant.
    const why = controller.signal.aborted ? 'interrupted before the first reading'
      : values.start === undefined ? `no --start and --duration ${values.duration ?? 0} ms is shorter than one reading interval`
        : 'no reading falls between --start and now';
    process.stderr.write(`bin/simulate: sent nothing (${why})\n`);
    process.exitCode = 1;
  }
}
