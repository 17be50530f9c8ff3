// The options of bin/replay, declared once (parsing, --help and the README reference).
import { defineOptions, kafkaOptions } from '../../topology/core/ops/index.ts';
import { topicOptions } from '../../contract/topic-options.ts';
import { calibratorCommandOptions } from '../calibrator/calibrator-options.ts';

const group = 'Replay';
const options = defineOptions({
  from: { flag: 'from', type: 'string', placeholder: 'time', group, description: 'Re-read raw readings from this time: ISO-8601, epoch ms, or relative (30m, 2h, 7d).' },
  to: { flag: 'to', type: 'string', placeholder: 'time', group, description: 'Stop the replay window here (default: the end of the log now).' },
  sensor: { flag: 'sensor', type: 'list', default: [], placeholder: 'id', group, description: 'Re-emit only this sensor\'s readings (repeatable); the rest of the window is skipped without output.' },
  groupId: { env: 'KALIBRA_GROUP_ID', flag: 'group', type: 'string', default: 'kalibra-calibrator', placeholder: 'group', group, description: 'The calibrator\'s consumer group.' },
  dryRun: { flag: 'dry-run', type: 'bool', default: false, group, description: 'Print the per-partition plan and record counts; change nothing.' },
  yes: { flag: 'yes', type: 'bool', default: false, group, description: 'Start without asking (required when stdin is not a terminal).' },
  watch: { flag: 'watch', type: 'bool', default: false, group, description: 'Only follow the group\'s latest replay until it is done.' },
});
// The profiles directory only to warn about a --sensor without a profile (never required).
export const replayCommandOptions = {
  ...kafkaOptions, topicRaw: topicOptions.topicRaw, topicReplayState: topicOptions.topicReplayState, profilesDir: calibratorCommandOptions.profilesDir, ...options,
};
