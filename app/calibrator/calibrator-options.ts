// The options of bin/calibrator, declared once with topology/core/ops's config (flags, env,
// *_FILE secrets and --help all come from here).
import { databaseOptions, defineOptions, kafkaOptions, ProcessingGuarantees, processOptions } from '../../topology/core/ops/index.ts';
import { OutputFormats } from '../../calibration/output-format.ts';
import { topicOptions } from '../../contract/topic-options.ts';
import { profileFileOptions } from '../profile-files/profile-file-options.ts';

const group = 'Calibrator';

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
    description: 'Calibrate a raw reading only after the raw sink has saved it to Postgres (reads kalibra_sink_offsets, woken by NOTIFY). --no-gate turns it off.',
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
    env: 'KALIBRA_PROCESSING_GUARANTEE', type: 'string', choices: ProcessingGuarantees, default: 'exactly_once', group,
    description: 'exactly_once: outputs and consumed offsets commit in one Kafka transaction.',
  },
  commitInterval: {
    env: 'KALIBRA_COMMIT_INTERVAL', type: 'duration', default: 100, group,
    description: 'Longest time between transaction commits while records keep coming; a transaction commits as soon as no record is at hand and the previous commit is done, so this is only an upper bound.',
  },
});
