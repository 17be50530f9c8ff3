// The options of bin/calibrator, declared once with topology/core/ops's config (flags, env,
// *_FILE secrets and --help all come from here).
import { databaseOptions, defineOptions, kafkaOptions, processOptions } from '../../topology/core/ops/index.ts';
import { OutputFormats } from '../../calibration/output-format.ts';
import { topicOptions } from '../../contract/topic-options.ts';
import { profileFileOptions } from '../profile-files/profile-file-options.ts';

const group = 'Calibrator';

/** Who the gate follows: postgres, our raw sink's offsets table; connect, the raw Kafka Connect sink's committed consumer offsets. */
export const GateModes = ['postgres', 'connect'] as const;

export const calibratorCommandOptions = defineOptions({
  ...kafkaOptions,
  ...databaseOptions,
  ...processOptions,
  ...topicOptions,
  groupId: {
    env: 'KALIBRA_GROUP_ID', type: 'string', default: 'kalibra-calibrator', group,
    description: 'Consumer group of the calibrator instances; also the prefix of their transactional ids, and what bin/replay moves.',
  },
  profilesDir: {
    env: 'KALIBRA_PROFILES_DIR', type: 'string', default: './calibration-profiles', placeholder: 'dir', group,
    description: 'Directory of <sensor>.yaml profiles (a ConfigMap mount works); hot-reloaded, invalid edits are rejected and the previous profiles stay in force.',
  },
  ...profileFileOptions,
  gate: {
    env: 'KALIBRA_GATE', flag: 'gate', type: 'bool', default: true, group,
    description: 'Calibrate a raw reading only after the raw sink has saved it to Postgres (KALIBRA_GATE_MODE says which sink it follows). --no-gate turns it off.',
  },
  gateMode: {
    env: 'KALIBRA_GATE_MODE', type: 'string', choices: GateModes, default: 'postgres', group,
    description: 'postgres: the gate follows bin/sink --mapping raw (kalibra_sink_offsets). connect: Connect mode, it follows the raw Kafka Connect JDBC sink\'s committed consumer offsets (KALIBRA_GATE_CONNECT_GROUP), read with the Admin API.',
  },
  gateConnectGroup: {
    env: 'KALIBRA_GATE_CONNECT_GROUP', type: 'string', default: 'connect-kalibra-raw-jdbc-sink', group,
    description: 'Connect mode: the raw connector\'s consumer group, connect-<connector name>.',
  },
  gatePollInterval: {
    env: 'KALIBRA_GATE_POLL_INTERVAL', type: 'duration', default: 200, group,
    description: 'Connect mode: how often the gate reads the raw connector\'s committed offsets. A record waits about this plus the worker\'s offset.flush.interval.ms.',
  },
  gateConnector: {
    env: 'KALIBRA_GATE_CONNECTOR', type: 'string', default: 'kalibra-sink-raw', group,
    description: 'The raw sink\'s connector name in kalibra_sink_offsets.',
  },
  gateSchema: {
    env: 'KALIBRA_GATE_SCHEMA', type: 'string', default: 'public', group,
    description: 'Postgres schema of the raw sink\'s tables.',
  },
  outputFormat: {
    env: 'KALIBRA_OUTPUT_FORMAT', type: 'string', choices: OutputFormats, default: 'kalibra', group,
    description: 'kalibra: the calibrated JSON of docs/architecture.md#messages; connect-json: Kafka Connect JSON (schema + payload) for the Debezium JDBC sink.',
  },
  processingGuarantee: {
    // Only exactly_once: recalibration by replay (bin/replay) needs the applied mark and the
    // rewound offsets in one transaction, and the calibrator always serves replays. Offering
    // at_least_once here made the calibrator refuse its own options on every start.
    env: 'KALIBRA_PROCESSING_GUARANTEE', type: 'string', choices: ['exactly_once'] as const, default: 'exactly_once', group,
    description: 'exactly_once: outputs and consumed offsets commit in one Kafka transaction (the only choice: replays need it).',
  },
  commitInterval: {
    env: 'KALIBRA_COMMIT_INTERVAL', type: 'duration', default: 100, group,
    description: 'Longest time between transaction commits while records keep coming; a transaction commits as soon as no record is at hand and the previous commit is done, so this is only an upper bound.',
  },
});
