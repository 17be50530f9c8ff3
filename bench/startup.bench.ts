// `npm run bench -- startup [<commit>]`: how long the commands take to start, this checkout
// ("after") against an older commit ("before", default 54f6cc0: tsx on the machine's node),
// in one run. Wall time of `bin/calibrator --help` and `bin/replay --help`, and the time from
// spawn to the first /readyz 200 of the calibrator and of a raw sink against the local stack
// (`bin/dev-stack up` first). The older commit is unpacked with `git archive` into
// .dev/bench/startup-<commit> and installed with its own lock file once. Runs alternate between
// the two sides; the first run of each measurement is reported apart (cold caches). Writes its
// section of bench/RESULTS.md.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { machineLine, writeSection } from './results.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const before = process.argv[3] ?? '54f6cc0';
const RUNS = 5;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';
const stamp = Date.now().toString(36);

interface Side { name: string; root: string; env: NodeJS.ProcessEnv; runtime: string }
/** Wall time, and CPU time (user + system) where it is known, in milliseconds. */
interface Sample { wall: number; cpu?: number }
interface Measurement { label: string; run: (side: Side, run: number) => Promise<Sample> }

/** The environment without this run's Node 24 in front: the older commit runs on the machine's node. */
function machineEnv(): NodeJS.ProcessEnv {
  const ours = dirname(process.execPath);
  const path = (process.env.PATH ?? '').split(':').filter((entry) => entry !== ours && !entry.endsWith('/node_modules/.bin')).join(':');
  const env = { ...process.env, PATH: path };
  try {
    execFileSync('sh', ['-c', 'command -v node'], { env, stdio: 'ignore' });
    return env;
  } catch {
    return { ...process.env };   // the machine's node is this one
  }
}

function nodeVersion(env: NodeJS.ProcessEnv): string {
  return execFileSync('node', ['--version'], { env, encoding: 'utf8' }).trim();
}

function prepareBefore(commit: string, env: NodeJS.ProcessEnv): string {
  const dir = join(root, '.dev', 'bench', `startup-${commit}`);
  if (existsSync(join(dir, 'node_modules'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`unpacking ${commit} into ${dir} and installing its dependencies (once)\n`);
  execFileSync('sh', ['-c', `git -C "${root}" archive "${commit}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, env, stdio: 'inherit' });
  return dir;
}

/**
 * `bin/<command> --help` from spawn to exit, with the CPU time it used (a busy machine inflates
 * that far less than the wall time): bash's `times` prints its children's user and system time.
 */
function helpTime(side: Side, command: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const script = '"$0" --help >/dev/null || exit $?; times';
    const child = spawn('bash', ['-c', script, join(side.root, 'bin', command)], { env: side.env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.once('error', reject);
    child.once('close', (code) => {
      const wall = performance.now() - started;
      // `times` prints the shell's own line, then its children's, e.g. "0m0.812s 0m0.123s".
      const children = out.trim().split('\n').at(-1) ?? '';
      const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
      if (code === 0 && parts.length === 2) resolve({ wall, cpu: parts[0]! + parts[1]! });
      else reject(new Error(`${side.name}: bin/${command} --help exited ${code}`));
    });
  });
}

/**
 * From spawn to the first /readyz 200; the process is then stopped with SIGTERM. The ops port
 * is the one it logs (KALIBRA_HTTP_PORT=0 picks a free one); /readyz is polled every 10 ms.
 */
async function readyTime(side: Side, command: string, args: string[], env: Record<string, string>): Promise<Sample> {
  const started = performance.now();
  const child = spawn(join(side.root, 'bin', command), args, { env: { ...side.env, ...env, KALIBRA_HTTP_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-20_000); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve(); }); });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${side.name}: bin/${command} exited ${child.exitCode}:\n${output.slice(-2_000)}`);
      if (performance.now() - started > 120_000) throw new Error(`${side.name}: bin/${command} not ready in 120 s:\n${output.slice(-2_000)}`);
      const port = /"msg":"ops server listening".*?"port":(\d+)/.exec(output)?.[1];
      const status = port === undefined ? 0 : await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
      if (status === 200) return { wall: performance.now() - started };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

const topics = {
  raw: `startup-bench-raw-${stamp}`, calibrated: `startup-bench-calibrated-${stamp}`,
  dlq: `startup-bench-dlq-${stamp}`, state: `startup-bench-replay-state-${stamp}`,
};
const measurements: Measurement[] = [
  { label: '`bin/calibrator --help`, spawn to exit', run: (side) => helpTime(side, 'calibrator') },
  { label: '`bin/replay --help`, spawn to exit', run: (side) => helpTime(side, 'replay') },
  {
    label: '`bin/calibrator`, spawn to first `/readyz` 200',
    run: (side, run) => readyTime(side, 'calibrator', [], {
      KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl,
      KALIBRA_TOPIC_RAW: topics.raw, KALIBRA_TOPIC_CALIBRATED: topics.calibrated, KALIBRA_TOPIC_DLQ: topics.dlq,
      KALIBRA_TOPIC_REPLAY_STATE: topics.state, KALIBRA_PROFILES_DIR: join(root, 'calibration-profiles'),
      KALIBRA_GROUP_ID: `startup-bench-calibrator-${stamp}-${side.name}-${run}`, KALIBRA_INSTANCE_ID: `startup-bench-${side.name}-${run}`,
    }),
  },
  {
    label: '`bin/sink --mapping raw`, spawn to first `/readyz` 200',
    run: (side, run) => readyTime(side, 'sink', ['--mapping', 'raw'], {
      KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl,
      KALIBRA_TOPIC_RAW: topics.raw, KALIBRA_TOPIC_DLQ: topics.dlq, KALIBRA_SINK_SCHEMA: 'startup_bench',
      KALIBRA_GROUP_ID: `startup-bench-sink-${stamp}-${side.name}-${run}`, KALIBRA_SINK_CONNECTOR: `startup-bench-${stamp}-${side.name}-${run}`,
      KALIBRA_INSTANCE_ID: `startup-bench-sink-${side.name}-${run}`,
    }),
  },
];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const headCommit = (): string => execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();

/** "median (min – max; first run)" of the runs after the first, and the median CPU time where known. */
function cell(samples: Sample[]): string {
  const wall = samples.slice(1).map((s) => s.wall);
  const cpu = samples.slice(1).flatMap((s) => (s.cpu === undefined ? [] : [s.cpu]));
  return `${seconds(median(wall))} s (${seconds(Math.min(...wall))} – ${seconds(Math.max(...wall))}; first ${seconds(samples[0]!.wall)})`
    + (cpu.length > 0 ? `, CPU ${seconds(median(cpu))} s` : '');
}

const oldEnv = machineEnv();
const sides: Side[] = [
  { name: 'before', root: prepareBefore(before, oldEnv), env: oldEnv, runtime: `tsx on Node ${nodeVersion(oldEnv)}` },
  { name: 'after', root, env: { ...process.env }, runtime: `type stripping on Node ${process.version}` },
];

const loadAtStart = os.loadavg()[0]!;
const admin = new Admin({ clientId: `startup-bench-${stamp}`, bootstrapBrokers: brokers });
const rows: string[] = [];
try {
  await admin.createTopics({ topics: [topics.raw, topics.calibrated, topics.dlq], partitions: 3, replicas: 1 });
  await admin.createTopics({ topics: [topics.state], partitions: 1, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] });
  for (const measurement of measurements) {
    const samples = new Map<string, Sample[]>(sides.map((s) => [s.name, []]));
    for (let run = 0; run <= RUNS; run++) {
      // Alternating order, so neither side always runs second (on warmer caches).
      for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
        const sample = await measurement.run(side, run);
        samples.get(side.name)!.push(sample);
        process.stderr.write(`${measurement.label} ${side.name} run ${run}: ${Math.round(sample.wall)} ms\n`);
      }
    }
    const [old, now] = sides.map((s) => samples.get(s.name)!);
    const speedUp = median(old!.slice(1).map((s) => s.wall)) / median(now!.slice(1).map((s) => s.wall));
    rows.push(`| ${measurement.label} | ${cell(old!)} | ${cell(now!)} | ${speedUp.toFixed(1)}× |`);
  }
} finally {
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.close();
}

writeSection('startup', `
## Start-up (\`bench/startup.bench.ts\`)

Machine: ${await machineLine()}; local single-node Kafka and Postgres; load average (1 min) ${loadAtStart.toFixed(1)} at the
start and ${os.loadavg()[0]!.toFixed(1)} at the end, on ${os.cpus().length} cores.
Before: commit ${before} (${sides[0]!.runtime}, through its bin/run-ts). After: ${headCommit()} (${sides[1]!.runtime},
through bin/run-ts and bin/node24). Median of ${RUNS} runs (min – max) after a first run that is reported apart; the two
sides alternate. CPU: user + system time of the --help process, which a busy machine inflates far less than the wall time.
Each /readyz run starts a fresh consumer group (3 partitions); the calibrator runs with its default gate.

| measurement | before | after | speed-up (wall) |
|---|---|---|---|
${rows.join('\n')}
`);
process.stdout.write(`${rows.join('\n')}\n`);
