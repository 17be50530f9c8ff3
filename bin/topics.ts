// `bin/topics apply [--check]`: creates Kalibra's topics and keeps their configs as desired
// (topology/calibration/topics.ts). Thin: parses flags and environment, calls applyTopics,
// prints one line per topic finding. Never takes a secret as a flag.
import { Admin } from '@platformatic/kafka';
import { loadConfigOrExit } from '../topology/core/ops/config/command-line.js';
import { defineOptions } from '../topology/core/ops/config/option.js';
import { kafkaConnectionOptions } from '../topology/core/ops/kafka/connection-options.js';
import { kafkaOptions } from '../topology/core/ops/kafka/kafka-options.js';
import { topicNames, topicOptions } from '../topology/calibration/topic-options.js';
import { desiredTopics, DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR } from '../topology/calibration/topics.js';
import { applyTopics, formatTopicsReport } from '../topology/calibration/topics-apply.js';

const options = defineOptions({
  check: { flag: 'check', type: 'bool', default: false, group: 'Topics apply', description: 'Change nothing; exit 1 if anything differs from the desired topics.' },
  partitions: { flag: 'partitions', type: 'int', min: 1, default: DEFAULT_PARTITIONS, group: 'Topics apply', description: 'Partitions of the reading topics (the replay-state topic always has 1).' },
  replicationFactor: { flag: 'replication-factor', type: 'int', min: 1, default: DEFAULT_REPLICATION_FACTOR, group: 'Topics apply', description: 'Replicas per partition (3 in production).' },
  minInsyncReplicas: { flag: 'min-insync-replicas', type: 'int', min: 1, defaultLabel: '2 from replication 3 up, else 1', group: 'Topics apply', description: 'min.insync.replicas of every topic.' },
});
export const topicsCommandOptions = { ...kafkaOptions, ...topicOptions, ...options };

function fail(message: string): never {
  process.stderr.write(`bin/topics: ${message}\n`);
  process.exit(2);
}

const { values, positionals } = loadConfigOrExit(topicsCommandOptions, {
  usage: 'bin/topics apply [--check] [options]',
  summary: 'Creates the raw, calibrated, DLQ and replay-state topics with their configs, and fixes configs that drifted. '
    + 'Never adds partitions to these keyed topics, never removes any, never changes the replication factor: those are reported and left alone.',
  epilog: 'Exit: 0 the topics are as desired (after fixes); 1 drift remains (or, with --check, any drift); 2 bad arguments.',
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

const admin = new Admin(await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-topics' }));
try {
  const report = await applyTopics({ admin, topics, check: values.check });
  for (const line of formatTopicsReport(report, topics)) process.stdout.write(`${line}\n`);
  process.exitCode = report.inSync ? 0 : 1;
} catch (error) {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(`bin/topics: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exitCode = 1;
} finally {
  await admin.close();
}
