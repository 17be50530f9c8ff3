// `bin/topics apply [--check]`: creates Kalibra's topics and keeps their configs as desired
// (contract/topics.ts). Parses flags and environment, calls applyTopics,
// prints one line per topic finding. Never takes a secret as a flag.
import { ExitCodes, brokerUnreachableMessage, isBrokerUnreachable, kafkaConnectionOptions, kafkaErrorReasons, loadConfigOrExit, requireBrokerOrExit } from '../../topology/core/ops/index.ts';
import { topicNames } from '../../contract/topic-options.ts';
import { topicsCommandOptions } from './topics-command-options.ts';
import { desiredTopics } from '../../contract/topics.ts';

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  function fail(message: string): never {
    process.stderr.write(`bin/topics: ${message}\n`);
    process.exit(2);
  }

  const { values, positionals } = loadConfigOrExit(topicsCommandOptions, {
    usage: 'bin/topics apply [--check] [options]',
    summary: 'Creates the raw, calibrated, DLQ and replay-state topics with their configs, and fixes configs that drifted. '
      + 'Never adds partitions to these keyed topics, never removes any, never changes the replication factor: those are reported and left alone.',
    epilog: 'Exit: 0 the topics are as desired (after fixes); 1 drift remains (or, with --check, any drift); 2 bad arguments; 3 no Kafka broker answers.',
  });
  if (positionals.length !== 1 || positionals[0] !== 'apply') fail(`expected the command 'apply', got '${positionals.join(' ')}' (see --help)`);

  let topics;
  try {
    topics = desiredTopics({
      names: topicNames(values),
      partitions: values.partitions,
      replicationFactor: values.replicationFactor,
      minInsyncReplicas: values.minInsyncReplicas,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }

  const connection = await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-topics' });
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  await requireBrokerOrExit('bin/topics', connection, { signal: controller.signal });
  process.off('SIGINT', interrupt);
  process.off('SIGTERM', interrupt);
  // Loaded only now: --help and argument errors never load the Kafka client.
  const { Admin } = await import('@platformatic/kafka');
  const { applyTopics, formatTopicsReport } = await import('./topics-apply.ts');
  const admin = new Admin(connection);
  try {
    const report = await applyTopics({ admin, topics, check: values.check });
    for (const line of formatTopicsReport(report, topics)) process.stdout.write(`${line}\n`);
    process.exitCode = report.inSync ? 0 : 1;
  } catch (error) {
    if (isBrokerUnreachable(error)) {
      process.stderr.write(`bin/topics: ${brokerUnreachableMessage(connection.bootstrapBrokers, error)}\n`);
      process.exitCode = ExitCodes.brokerUnreachable;
      return;
    }
    process.stderr.write(`bin/topics: ${error instanceof Error ? error.message : String(error)}${kafkaErrorReasons(error)}\n`);
    process.exitCode = 1;
  } finally {
    await admin.close();
  }
}

