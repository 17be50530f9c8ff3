// `bin/replay`: recalibration by replay (docs/architecture.md). Parses flags and environment,
// builds the replay selector (sensors + reading time, contract/replay-selector.ts), and runs
// runReplayCommand (replay-command.ts) over the library's replay protocol. Never takes a secret
// as a flag.
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { kafkaConnectionOptions, loadConfigOrExit, requireBrokerOrExit } from '../../topology/core/ops/index.ts';
import { replaySelector } from '../../contract/replay-selector.ts';
import { replayCommandOptions as declarations } from './replay-command-options.ts';

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const { values, positionals } = loadConfigOrExit(declarations, {
    usage: 'bin/replay --from <time> [--to <time>] [--sensor <id> ...] [--group <group>] [--dry-run] [--yes] | bin/replay --watch [--group <group>]',
    summary: 'Recalibrates by replaying raw readings: with no calibrator running it moves the group\'s offsets (the classic reset); '
      + 'with calibrators running it asks each to re-read from --from at its next transaction boundary, exactly once per partition. '
      + 'Shows progress until every partition has passed the end captured at the start.',
    epilog: 'Exit: 0 done (or --dry-run); 1 failed or not confirmed; 2 bad arguments (nothing changed); 3 no Kafka broker answers; 130 interrupted (the replay goes on; watch with --watch).',
  });
  if (positionals.length > 0) {
    process.stderr.write(`bin/replay: unexpected argument '${positionals[0]}' (see --help)\n`);
    process.exit(2);
  }

  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  process.on('SIGTERM', () => controller.abort());

  const connection = await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-replay' });
  await requireBrokerOrExit('bin/replay', connection, { signal: controller.signal });
  // Loaded only now: --help and argument errors never load the Kafka client.
  const { Admin } = await import('@platformatic/kafka');
  const { runReplayCommand } = await import('./replay-command.ts');
  const admin = new Admin({ ...connection, retries: 2 });
  const interactive = process.stdin.isTTY && process.stderr.isTTY;
  try {
    process.exitCode = await runReplayCommand({
      from: values.from, to: values.to, group: values.groupId, topic: values.topicRaw, stateTopic: values.topicReplayState,
      dryRun: values.dryRun, yes: values.yes, watch: values.watch, sensors: values.sensor,
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
      profiles: { dir: values.profilesDir, sensors: profiledSensors(values.profilesDir) },
    });
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** The sensors with a `<sensor>.yaml` in dir (by file name; validity is bin/profiles check's job), or undefined. */
function profiledSensors(dir: string): ReadonlySet<string> | undefined {
  try {
    return new Set(readdirSync(dir).filter((name) => name.endsWith('.yaml') && !name.startsWith('.')).map((name) => name.slice(0, -'.yaml'.length)));
  } catch {
    return undefined;
  }
}
