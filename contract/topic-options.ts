// The topic-name options every calibration command reads (KALIBRA_TOPIC_*), declared once
// so --help, parsing and the README reference agree. Defaults come from topics.ts.
import { defineOptions } from '../topology/core/ops/config/option.ts';
import { defaultTopicNames, type TopicRole } from './topics.ts';

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
