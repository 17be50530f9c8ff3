// The options of bin/demo, declared once for parsing, --help and the README reference. Every
// other setting (Kafka, DATABASE_URL, topic names) is read from the environment by the child
// processes themselves; the demo reads them too only to watch the same topics and tables.
import { databaseOptions, defineOptions, kafkaOptions } from '../../topology/core/ops/index.ts';
import { topicOptions } from '../../contract/topic-options.ts';

const group = 'Demo';

// Keys differ from the simulator's (rate, duration, seed) on purpose: the README reference lists
// every option once per key, and these mean something slightly different in the demo.

export const demoOptions = defineOptions({
  headless: { flag: 'headless', type: 'bool', default: false, group, description: 'No live view: run the pipeline, print progress lines on stderr and a JSON summary on stdout, then stop (use with --duration).' },
  liveDuration: { flag: 'duration', type: 'duration', group, placeholder: 'duration', defaultLabel: 'until Ctrl-C', description: 'How long the simulator sends live readings, e.g. 20s, 5m; then the demo waits for the last calibrated rows and stops.' },
  backfill: { flag: 'backfill', type: 'string', default: '10m', group, placeholder: 'time', description: 'Back-fill history from this time (relative like 10m, or ISO-8601) before going live, so there is something to replay; "none" skips it.' },
  liveRate: { flag: 'rate', type: 'int', default: 24, min: 1, max: 10_000, group, placeholder: 'readings/s', description: 'Live readings per second over the demo fleet of 12 sensors.' },
  demoSeed: { flag: 'seed', type: 'int', default: 1, min: 0, group, description: 'Simulator seed (true curves, noise, duplicates, malformed messages).' },
  connect: {
    flag: 'connect', type: 'bool', default: false, group,
    description: 'Connect mode: a Kafka Connect worker (bin/dev-stack up --connect) lands both topics with the Debezium JDBC sink instead of our sinks; the simulator sends Connect JSON envelopes, the calibrator gates on the raw connector and writes Connect JSON.',
  },
  sinkSchema: { env: 'KALIBRA_SINK_SCHEMA', type: 'string', default: 'public', group, description: 'Postgres schema of both sinks\' tables; the calibrator\'s gate reads the same one.' },
});

export const demoCommandOptions = defineOptions({ ...kafkaOptions, ...databaseOptions, ...topicOptions, ...demoOptions });
