// The options of bin/sink, declared once with topology/core/ops's config (flags, env, *_FILE
// secrets, --help all come from here), and how they become SinkOptions. Kafka, Postgres and
// process options are the shared declarations, the topic names come from contract/topic-options.ts;
// only the sink's own are added here.
import { databaseOptions, defineOptions, kafkaOptions, processOptions, resolveInstanceId } from '../../topology/core/ops/index.ts';
import type { ConfigValues, KafkaConnectionOptions } from '../../topology/core/ops/index.ts';
import { topicOptions } from '../../contract/topic-options.ts';
import { DEFAULT_WRITE_METHOD, MappingNames, WriteMethods } from '../../connectors/postgres/sink-names.ts';
import type { SinkOptions } from '../../connectors/postgres/sink-options.ts';

const group = 'Sink';

export const sinkCommandOptions = defineOptions({
  ...kafkaOptions,
  ...databaseOptions,
  ...processOptions,
  mapping: {
    env: 'KALIBRA_SINK_MAPPING', flag: 'mapping', type: 'string', choices: MappingNames, required: true, group,
    description: 'raw: readings.raw → raw_readings; calibrated: readings.calibrated → calibrated_readings.',
  },
  topicRaw: topicOptions.topicRaw,
  topicCalibrated: topicOptions.topicCalibrated,
  topicDlq: topicOptions.topicDlq,
  groupId: {
    env: 'KALIBRA_GROUP_ID', type: 'string', defaultLabel: 'the connector name', group,
    description: 'Consumer group; replicas of one sink share it.',
  },
  connector: {
    env: 'KALIBRA_SINK_CONNECTOR', type: 'string', defaultLabel: 'kalibra-sink-<mapping>', group,
    description: 'Name of this sink in kalibra_sink_offsets (the gate reads the raw sink\'s).',
  },
  migrateOnly: {
    flag: 'migrate-only', type: 'bool', default: false, group,
    description: 'Apply the database migrations to the schema and exit 0 (1 if they fail), consuming nothing: for Connect mode, where Kafka Connect writes the tables and our sinks do not run.',
  },
  schema: { env: 'KALIBRA_SINK_SCHEMA', type: 'string', default: 'public', group, description: 'Postgres schema of the tables (created if missing).' },
  batchSize: {
    env: 'KALIBRA_SINK_BATCH_SIZE', type: 'int', default: 5_000, min: 1, group,
    description: 'Records per database transaction at most. There is no linger: a batch is written as soon as the previous write has finished, so it fills only while one is in flight.',
  },
  writeMethod: {
    env: 'KALIBRA_SINK_WRITE_METHOD', type: 'string', choices: WriteMethods, default: DEFAULT_WRITE_METHOD, group,
    description: 'copy (COPY into a stage table, then upsert) or unnest (one INSERT … SELECT FROM unnest); see bench/RESULTS.md.',
  },
  sessionTimeout: {
    env: 'KALIBRA_SINK_SESSION_TIMEOUT', type: 'duration', default: 30_000, group,
    description: 'Consumer group session timeout: how long a crashed member keeps its partitions.',
  },
});

export type SinkCommandConfig = ConfigValues<typeof sinkCommandOptions>;

/** SinkOptions from parsed options; the instance id doubles as the static group member id. */
export function sinkOptionsFromConfig(config: SinkCommandConfig, kafka: KafkaConnectionOptions): SinkOptions {
  return {
    mapping: config.mapping,
    topic: config.mapping === 'raw' ? config.topicRaw : config.topicCalibrated,
    dlqTopic: config.topicDlq,
    connector: config.connector,
    groupId: config.groupId,
    instanceId: resolveInstanceId(config.instanceId),
    schema: config.schema,
    databaseUrl: config.databaseUrl.reveal(),
    kafka,
    batchSize: config.batchSize,
    writeMethod: config.writeMethod,
    sessionTimeoutMs: config.sessionTimeout,
  };
}
