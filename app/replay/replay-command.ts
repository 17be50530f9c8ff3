// The logic of `bin/replay`, with its I/O injected (admin client, output streams, clock,
// confirmation, abort signal) so it is tested without spawning. It validates everything it
// can before it changes anything: a bad argument returns exit code 2 with one line on `err`
// and leaves the group's offsets and the replay-state topic as they were.
// topology/core knows no sensors: what a replay selects is the `selector` the caller builds.
import type { Admin } from '@platformatic/kafka';
import { SENSOR_ID_PATTERN } from '../../calibration/profile-schema.ts';
import { ExitCodes, brokerUnreachableMessage, isBrokerUnreachable, parseTimeSpec } from '../../topology/core/ops/index.ts';
import { isKalibraError, javaPartition, planRecords, planReplay, readReplayState, renderProgress, ReplayError, startReplay, watchReplay } from '../../topology/index.ts';
import type { ReplayPlan, ReplayProgress, ReplayRequest, StateLocation } from '../../topology/index.ts';

export const EXIT_DONE = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_BROKER_UNREACHABLE = ExitCodes.brokerUnreachable;
export const EXIT_INTERRUPTED = 130;

export interface ReplayCommandArgs {
  from: string | undefined;
  to: string | undefined;
  group: string;
  topic: string;
  stateTopic: string;
  dryRun: boolean;
  yes: boolean;
  /** Only watch the latest request of the group (no --from). */
  watch: boolean;
  /** --sensor: the sensors the replay re-emits (none: every sensor). */
  sensors?: readonly string[];
}

/** The profiles directory, to tell a sensor nobody configured from a typo; sensors undefined when it could not be read. */
export interface KnownProfiles {
  dir: string;
  sensors: ReadonlySet<string> | undefined;
}

export interface TextSink {
  write(text: string): unknown;
}

export interface ReplayCommandIO {
  admin: Admin;
  connection: StateLocation['connection'];
  out: TextSink;
  err: TextSink;
  /** True when a person can answer a question (stdin and stderr are terminals): progress redraws in place. */
  interactive: boolean;
  confirm: (question: string) => Promise<boolean>;
  now: () => number;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** What the replay re-emits, opaque here (e.g. the calibration's sensor + time selector). */
  selector: (fromMs: number, toMs: number | null) => unknown;
  /** How often progress is polled; default 1 s. */
  pollMs?: number;
  /** Without a terminal, one progress line this often; default 5 s. */
  lineEveryMs?: number;
  /** For the --sensor check; without it the check is skipped. */
  profiles?: KnownProfiles;
}

/** Runs the command; returns the process exit code. */
export async function runReplayCommand(args: ReplayCommandArgs, io: ReplayCommandIO): Promise<number> {
  try {
    return args.watch ? await watchOnly(args, io) : await replay(args, io);
  } catch (error) {
    // First: a broker that does not answer also makes a topic look missing.
    if (isBrokerUnreachable(error)) {
      io.err.write(`bin/replay: ${brokerUnreachableMessage(io.connection.bootstrapBrokers, error)}\n`);
      return EXIT_BROKER_UNREACHABLE;
    }
    if (error instanceof ReplayError && error.isUsageError) {
      io.err.write(`bin/replay: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    io.err.write(`bin/replay: ${isKalibraError(error) || error instanceof Error ? error.message : String(error)}${cause}\n`);
    return EXIT_FAILED;
  }
}

async function replay(args: ReplayCommandArgs, io: ReplayCommandIO): Promise<number> {
  if (args.from === undefined) {
    throw new ReplayError('INVALID_ARGUMENT', args.to === undefined ? '--from is required (or --watch to follow a running replay)' : '--to needs --from');
  }
  const now = io.now();
  const fromMs = parseTimeSpec(args.from, now, '--from');
  const toMs = args.to === undefined ? null : parseTimeSpec(args.to, now, '--to');
  const sensors = [...new Set(args.sensors ?? [])];
  for (const line of sensorWarnings(sensors, io.profiles)) io.err.write(`bin/replay: ${line}\n`);
  const plan = await planReplay(io.admin, { topic: args.topic, group: args.group, fromMs, toMs, now });
  const location: StateLocation = { connection: io.connection, stateTopic: args.stateTopic, group: args.group, topic: args.topic };
  // Read (never written yet) so a missing state topic is a usage error before anything changes.
  await readReplayState(location);

  for (const line of formatPlan(plan, sensors)) io.out.write(`${line}\n`);
  if (args.dryRun) return EXIT_DONE;
  if (planRecords(plan) === 0n) {
    io.out.write('nothing to replay in that range; nothing changed\n');
    return EXIT_DONE;
  }
  if (!args.yes) {
    if (!io.interactive) {
      // Not a usage error: the arguments were fine, nobody could say yes (the README: not confirmed = 1).
      io.err.write('bin/replay: not confirmed (stdin is not a terminal): pass --yes to start the replay, or --dry-run to only see the plan; nothing changed\n');
      return EXIT_FAILED;
    }
    const yes = await io.confirm(`Replay ${planRecords(plan)} records of ${plan.topic} for group ${plan.group}? [y/N] `);
    if (io.signal.aborted) {
      io.err.write('bin/replay: interrupted; nothing changed\n');
      return EXIT_INTERRUPTED;
    }
    if (!yes) {
      io.err.write('bin/replay: not confirmed; nothing changed\n');
      return EXIT_FAILED;
    }
  }
  if (io.signal.aborted) {
    io.err.write('bin/replay: interrupted; nothing changed\n');
    return EXIT_INTERRUPTED;
  }

  const started = await startReplay({
    admin: io.admin, location: { connection: io.connection, stateTopic: args.stateTopic }, plan,
    selector: io.selector(fromMs, toMs), now: io.now(),
  });
  io.out.write(started.mode === 'offline'
    ? `replay epoch ${started.request.epoch} started offline: no instance of ${plan.group} is running, its committed offsets were moved back; `
      + 'the replay runs when an instance starts\n'
    : `replay epoch ${started.request.epoch} requested: ${plan.activeMembers} running instance(s) of ${plan.group} apply it at their next transaction boundary\n`);
  return follow(started.request, location, io);
}

async function watchOnly(args: ReplayCommandArgs, io: ReplayCommandIO): Promise<number> {
  if (args.from !== undefined || args.to !== undefined) throw new ReplayError('INVALID_ARGUMENT', '--watch follows the running replay; it takes no --from/--to');
  const location: StateLocation = { connection: io.connection, stateTopic: args.stateTopic, group: args.group, topic: args.topic };
  const state = await readReplayState(location);
  if (state.request === undefined) {
    io.err.write(`bin/replay: no replay was ever requested for group ${args.group} on ${args.topic}\n`);
    return EXIT_FAILED;
  }
  io.out.write(`watching replay epoch ${state.request.epoch} of ${args.topic} for group ${args.group} (requested ${state.request.createdAt})\n`);
  return follow(state.request, location, io);
}

/** Shows progress until done (0) or Ctrl-C (130, the replay goes on without us). */
async function follow(request: ReplayRequest, location: StateLocation, io: ReplayCommandIO): Promise<number> {
  const lineEveryMs = io.lineEveryMs ?? 5_000;
  const progress = watchReplay({ admin: io.admin, location, request, intervalMs: io.pollMs ?? 1_000, signal: io.signal });
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (io.signal.aborted) resolve('interrupted');
    else io.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  let lastLine = 0;
  // Said once: the offline path waits for an instance to start, and so does an online replay
  // whose instances all stopped.
  let waitingSaid = false;
  for (;;) {
    const next = await Promise.race([progress.next(), interrupted]);
    if (next === 'interrupted') {
      void progress.return(undefined);
      if (io.interactive) io.err.write('\n');
      io.err.write(`bin/replay: stopped watching; the replay continues in the running instances (or the next one to start). Watch it again with: bin/replay --watch --group ${request.group}\n`);
      return EXIT_INTERRUPTED;
    }
    if (next.done) return EXIT_DONE;
    const figure: ReplayProgress = next.value;
    const line = renderProgress(figure);
    if (io.interactive) {
      io.err.write(`\r${line}\u001b[K`);
      if (figure.done) io.err.write('\n');
    } else if (figure.done || io.now() - lastLine >= lineEveryMs) {
      io.err.write(`${line}\n`);
      lastLine = io.now();
    }
    if (!figure.done && !waitingSaid && await noMembers(io.admin, request.group)) {
      waitingSaid = true;
      io.err.write(`${io.interactive ? '\n' : ''}bin/replay: no instance of ${request.group} is running; waiting (progress resumes when one starts, Ctrl-C leaves the replay requested)\n`);
    }
    if (figure.done) {
      io.out.write(`replay epoch ${request.epoch} done: every partition passed the end offsets captured at the start\n`);
      return EXIT_DONE;
    }
  }
}

async function noMembers(admin: Admin, group: string): Promise<boolean> {
  const groups = await admin.describeGroups({ groups: [group] }).catch(() => undefined);
  return (groups?.get(group)?.members.size ?? 0) === 0;
}

/**
 * What to say about --sensor before anything is read: an id no reading can carry is refused
 * (exit 2); an id with no profile is allowed (an uncalibrated sensor still has readings, and a
 * profile may be added just before the replay), with a warning naming it and what was found. Pure.
 */
export function sensorWarnings(sensors: readonly string[], profiles: KnownProfiles | undefined): string[] {
  const invalid = sensors.filter((s) => !SENSOR_ID_PATTERN.test(s));
  if (invalid.length > 0) {
    throw new ReplayError('INVALID_ARGUMENT', `--sensor ${invalid.map((s) => `"${s}"`).join(', ')}: not a sensor id (1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit)`);
  }
  if (profiles === undefined || sensors.length === 0) return [];
  if (profiles.sensors === undefined) return [`warning: could not read the profiles in ${profiles.dir} to check --sensor ${sensors.join(', ')}`];
  const known = [...profiles.sensors].sort();
  const found = known.length === 0 ? 'none' : known.length <= 4 ? known.join(', ') : `${known.length}: ${known[0]} … ${known.at(-1)}`;
  return sensors.filter((s) => !profiles.sensors!.has(s)).map((s) =>
    `warning: ${s} has no profile in ${profiles.dir} (profiles found: ${found}); its readings, if any, are replayed and stay uncalibrated`);
}

/** The plan as printed: one line per partition, then the total (and, for --sensor, where each sensor's readings are). Pure. */
export function formatPlan(plan: ReplayPlan, sensors: readonly string[] = []): string[] {
  const lines = [
    `replay ${plan.topic} for group ${plan.group} from ${new Date(plan.fromMs).toISOString()}`
      + ` to ${plan.toMs === null ? 'now' : new Date(plan.toMs).toISOString()}`
      + ` (${plan.activeMembers === 0 ? 'no instance running: offline reset' : `${plan.activeMembers} instance(s) running: online`})`,
    `${'partition'.padStart(9)} ${'from'.padStart(12)} ${'to'.padStart(12)} ${'end'.padStart(12)} ${'committed'.padStart(12)} ${'records'.padStart(12)}`,
  ];
  for (const p of plan.partitions) {
    lines.push(`${String(p.partition).padStart(9)} ${String(p.fromOffset).padStart(12)} ${String(p.toOffset).padStart(12)}`
      + ` ${String(p.endOffset).padStart(12)} ${(p.committed === undefined ? '-' : String(p.committed)).padStart(12)} ${String(p.records).padStart(12)}`);
  }
  if (sensors.length === 0) {
    lines.push(`total: ${planRecords(plan)} records to re-read`);
    return lines;
  }
  // The plan counts offsets, every sensor's: telling one sensor's readings apart would mean
  // reading them. Its partition (by the key's sensor, as the producers partition) bounds them.
  lines.push(`total: ${planRecords(plan)} records to re-read, every sensor's; only ${sensors.join(', ')} ${sensors.length === 1 ? 'is' : 'are'} recalibrated, the rest skipped without output`);
  for (const sensor of sensors) {
    const partition = javaPartition(Buffer.from(sensor), plan.partitions.length);
    const records = plan.partitions.find((p) => p.partition === partition)?.records ?? 0n;
    lines.push(`  ${sensor}: on partition ${partition}, so at most ${records} of them (that partition's window holds other sensors' readings too)`);
  }
  return lines;
}
