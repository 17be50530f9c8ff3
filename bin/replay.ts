// `bin/replay`: recalibration by replay (ARCHITECTURE.md "Recalibration"). Thin: parses flags and
// environment, builds the calibration's selector (sensors + reading time), and runs
// runReplayCommand from topology/core/replay. Never takes a secret as a flag.
import { createInterface } from 'node:readline/promises';
import { Admin } from '@platformatic/kafka';
import { loadConfigOrExit } from '../topology/core/ops/config/command-line.js';
import { defineOptions } from '../topology/core/ops/config/option.js';
import { kafkaConnectionOptions } from '../topology/core/ops/kafka/connection-options.js';
import { kafkaOptions } from '../topology/core/ops/kafka/kafka-options.js';
import { runReplayCommand } from '../topology/core/replay/replay-command.js';
import { replaySelector } from '../topology/calibration/replay-selector.js';
import { topicOptions } from '../topology/calibration/topic-options.js';

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
const declarations = { ...kafkaOptions, topicRaw: topicOptions.topicRaw, topicReplayState: topicOptions.topicReplayState, ...options };

const { values, positionals } = loadConfigOrExit(declarations, {
  usage: 'bin/replay --from <time> [--to <time>] [--sensor <id> ...] [--group <group>] [--dry-run] [--yes] | bin/replay --watch [--group <group>]',
  summary: 'Recalibrates by replaying raw readings: with no calibrator running it moves the group\'s offsets (the classic reset); '
    + 'with calibrators running it asks each to re-read from --from at its next transaction boundary, exactly once per partition. '
    + 'Shows progress until every partition has passed the end captured at the start.',
  epilog: 'Exit: 0 done (or --dry-run); 1 failed or not confirmed; 2 bad arguments (nothing changed); 130 interrupted (the replay goes on; watch with --watch).',
});
if (positionals.length > 0) {
  process.stderr.write(`bin/replay: unexpected argument '${positionals[0]}' (see --help)\n`);
  process.exit(2);
}

const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
process.on('SIGTERM', () => controller.abort());

const connection = await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-replay' });
const admin = new Admin({ ...connection, retries: 2 });
const interactive = process.stdin.isTTY && process.stderr.isTTY;
try {
  process.exitCode = await runReplayCommand({
    from: values.from, to: values.to, group: values.groupId, topic: values.topicRaw, stateTopic: values.topicReplayState,
    dryRun: values.dryRun, yes: values.yes, watch: values.watch,
  }, {
    admin, connection, out: process.stdout, err: process.stderr, interactive,
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(question, { signal: controller.signal }).catch(() => '');
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
    now: () => Date.now(),
    signal: controller.signal,
    selector: (fromMs, toMs) => replaySelector(values.sensor, fromMs, toMs),
  });
} finally {
  await admin.close().catch(() => undefined);
}
