// `bin/topics apply [--check]`: creates Kalibra's topics and keeps their configs as desired
// (topology/calibration/topics.ts). Thin: parses flags and environment, calls applyTopics,
// prints one line per topic finding. Never takes a secret as a flag.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Admin } from '@platformatic/kafka';
import type { AdminOptions } from '@platformatic/kafka';
import { desiredTopics, topicNamesFromEnv, DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR } from '../topology/calibration/topics.js';
import { applyTopics, formatTopicsReport } from '../topology/calibration/topics-apply.js';

const usage = `Usage: bin/topics apply [--check] [--partitions N] [--replication-factor N] [--min-insync-replicas N]

Creates readings.raw, readings.calibrated, readings.dlq and readings.replay-state with their
configs, and fixes configs that drifted. Never adds partitions to these keyed topics, never
removes any, never changes the replication factor: those are reported and left alone.

Options:
  --check                    change nothing; exit 1 if anything differs from the desired topics
  --partitions N             partitions of the reading topics (default ${DEFAULT_PARTITIONS}; replay state has 1)
  --replication-factor N     replicas per partition (default ${DEFAULT_REPLICATION_FACTOR}; 3 in production)
  --min-insync-replicas N    default 2 from replication 3 up, else 1
  --kafka-brokers LIST       comma list (env KAFKA_BROKERS, default 127.0.0.1:9092)
  -h, --help

Environment: KAFKA_BROKERS, KAFKA_CLIENT_ID, KAFKA_TLS, KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE,
  KAFKA_TLS_KEY_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD or
  KAFKA_SASL_PASSWORD_FILE, KALIBRA_TOPIC_RAW, KALIBRA_TOPIC_CALIBRATED, KALIBRA_TOPIC_DLQ,
  KALIBRA_TOPIC_REPLAY_STATE.

Exit: 0 the topics are as desired (after apply's fixes); 1 drift remains (or, with --check,
any drift); 2 bad arguments.`;

function fail(message: string): never {
  process.stderr.write(`bin/topics: ${message}\n`);
  process.exit(2);
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) fail(`--${flag} must be a positive integer, got '${value}'`);
  return Number(value);
}

function connection(env: NodeJS.ProcessEnv): Pick<AdminOptions, 'tls' | 'sasl'> {
  const options: Pick<AdminOptions, 'tls' | 'sasl'> = {};
  if (env.KAFKA_TLS === 'true') {
    const file = (name: string): string | undefined => (env[name] ? readFileSync(env[name], 'utf8') : undefined);
    options.tls = { ca: file('KAFKA_TLS_CA_FILE'), cert: file('KAFKA_TLS_CERT_FILE'), key: file('KAFKA_TLS_KEY_FILE') };
  }
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism) {
    if (mechanism !== 'SCRAM-SHA-512' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'PLAIN') {
      fail(`KAFKA_SASL_MECHANISM must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, got '${mechanism}'`);
    }
    const password = env.KAFKA_SASL_PASSWORD_FILE
      ? readFileSync(env.KAFKA_SASL_PASSWORD_FILE, 'utf8').trim() : env.KAFKA_SASL_PASSWORD;
    options.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password };
  }
  return options;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        check: { type: 'boolean' },
        partitions: { type: 'string' },
        'replication-factor': { type: 'string' },
        'min-insync-replicas': { type: 'string' },
        'kafka-brokers': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // node's own message is long and suggests '--' tricks; say what was wrong, in one line.
    const option = /'(-[^']*)'/.exec(error instanceof Error ? error.message : '')?.[1];
    fail(option === undefined ? String(error) : `unknown or incomplete option '${option}' (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (positionals.length !== 1 || positionals[0] !== 'apply') {
    fail(`expected the command 'apply', got '${positionals.join(' ')}' (see --help)`);
  }
  let topics;
  try {
    topics = desiredTopics({
      names: topicNamesFromEnv(process.env),
      partitions: count('partitions', values.partitions),
      replicationFactor: count('replication-factor', values['replication-factor']),
      minInsyncReplicas: count('min-insync-replicas', values['min-insync-replicas']),
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const brokers = (values['kafka-brokers'] ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const admin = new Admin({
    clientId: process.env.KAFKA_CLIENT_ID ?? `kalibra-topics-${hostname()}`,
    bootstrapBrokers: brokers,
    ...connection(process.env),
  });
  try {
    const report = await applyTopics({ admin, topics, check: values.check ?? false });
    for (const line of formatTopicsReport(report, topics)) process.stdout.write(`${line}\n`);
    process.exitCode = report.inSync ? 0 : 1;
  } finally {
    await admin.close();
  }
}

main().catch((error: unknown) => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(`bin/topics: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
  process.exit(1);
});
