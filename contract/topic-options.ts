// The topic-name options every command reads (KALIBRA_TOPIC_*), declared once so --help,
// parsing and the README reference agree across the calibrator, the sinks, replay, topics and
// the simulator. Defaults come from topics.ts.
import { defineOptions } from '../topology/core/ops/index.ts';
import { defaultTopicNames, TopicRoles, type TopicRole } from './topics.ts';

const group = 'Topics';

export const topicOptions = defineOptions({
  topicRaw: { env: 'KALIBRA_TOPIC_RAW', type: 'string', default: defaultTopicNames.raw, placeholder: 'topic', group, description: 'Raw readings (compacted, infinite retention: the source of truth).' },
  topicCalibrated: { env: 'KALIBRA_TOPIC_CALIBRATED', type: 'string', default: defaultTopicNames.calibrated, placeholder: 'topic', group, description: 'Calibrated readings (compacted).' },
  topicDlq: { env: 'KALIBRA_TOPIC_DLQ', type: 'string', default: defaultTopicNames.dlq, placeholder: 'topic', group, description: 'Dead-letter queue: records that could not be processed, with kalibra.error.* headers.' },
  topicReplayState: { env: 'KALIBRA_TOPIC_REPLAY_STATE', type: 'string', default: defaultTopicNames.replayState, placeholder: 'topic', group, description: 'Replay requests and which partitions applied them (compacted, one partition).' },
});

export interface TopicOptionValues {
  topicRaw: string;
  topicCalibrated: string;
  topicDlq: string;
  topicReplayState: string;
}

export function topicNames(values: TopicOptionValues): Record<TopicRole, string> {
  return { raw: values.topicRaw, calibrated: values.topicCalibrated, dlq: values.topicDlq, replayState: values.topicReplayState };
}

/** The environment variable that overrides each topic name (KALIBRA_TOPIC_RAW, ...). */
export const topicNameEnv: Readonly<Record<TopicRole, string>> = {
  raw: topicOptions.topicRaw.env,
  calibrated: topicOptions.topicCalibrated.env,
  dlq: topicOptions.topicDlq.env,
  replayState: topicOptions.topicReplayState.env,
};

/** Topic names from the environment (KALIBRA_TOPIC_RAW, ...); unset or empty means the default. */
export function topicNamesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<TopicRole, string> {
  const names = { ...defaultTopicNames };
  for (const role of TopicRoles) {
    const value = env[topicNameEnv[role]];
    if (value !== undefined && value !== '') names[role] = value;
  }
  return names;
}
