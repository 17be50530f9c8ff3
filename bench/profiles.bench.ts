// `npm run bench -- profiles`: bin/calibrator with 10,000 generated profiles (all five
// methods), this checkout ("after") against an older commit ("before", default 2036009: the
// watcher that re-read and hashed every file each second), each run a fresh process against
// the local stack (`bin/dev-stack up` first), --no-gate so only the profiles and the runtime
// are measured. Per run: spawn to the first /readyz 200; idle CPU over IDLE_S seconds from
// /proc/<pid>/stat once settled; the time from a one-file edit to the reload logged
// ("calibration profiles reloaded") (an in-place edit of a plain directory, and a new ConfigMap
// generation through ..data), with the largest event-loop delay the process saw meanwhile;
// then a ~1 MiB table profile written in place the same way; peak and final RSS from
// /proc/<pid>/status. The older commit is unpacked with `git archive` into
// .dev/bench/profiles-<commit> and runs on this checkout's node_modules.
// Smoke: PROFILES_BENCH_COUNT=500 PROFILES_BENCH_IDLE_S=5 PROFILES_BENCH_BEFORE=none.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { ConfigMapMount, fleetFiles, fleetSensor, linearProfileYaml, writePlainFleet } from '../test/helpers/profile-fleet.ts';
import { machineLine, writeSection } from './results.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COUNT = Number(process.env.PROFILES_BENCH_COUNT ?? 10_000);
const IDLE_S = Number(process.env.PROFILES_BENCH_IDLE_S ?? 30);
const RELOADS = Number(process.env.PROFILES_BENCH_RELOADS ?? 3);
const BEFORE = process.env.PROFILES_BENCH_BEFORE ?? '2036009';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const stamp = Date.now().toString(36);
const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const EDITED = fleetSensor(0);
const GOALS = { readyS: 3, idleCpuPct: 1, reloadS: 1, rssMb: 150 };

type Layout = 'plain' | 'configmap';
interface Side { id: string; name: string; root: string }
interface RunResult {
  readyMs: number;
  /** The calibrator's own figure for loading the profiles ("calibration profiles loaded", ms); older commits do not log it. */
  loadedMs: number | undefined;
  idleCpuPct: number;
  reloadMs: number[];
  reloadLagMs: number[];
  bigReloadMs: number | null;
  bigLagMs: number | null;
  /** VmHWM before the 1 MiB reload. */
  peakRssMb: number;
  /** VmHWM at the end. */
  bigPeakRssMb: number;
  finalRssMb: number;
}

function prepareBefore(commit: string): string {
  const dir = join(root, '.dev', 'bench', `profiles-${commit}`);
  if (existsSync(join(dir, 'bin', 'calibrator'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${root}" archive "${commit}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** utime + stime of `pid`, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
}

async function metric(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || l.startsWith(`${name}${labels}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, child: ChildProcess, output: () => string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bin/calibrator exited ${child.exitCode} waiting for ${what}:\n${output().slice(-2_000)}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output().slice(-2_000)}`);
    await sleep(10);
  }
}

/** A table of 10,000 points padded to just under 1 MiB: the largest valid file. */
function bigTableYaml(sensor: string, shift: number): string {
  const points = Array.from({ length: 10_000 }, (_, i) => `[${i}.000123456789, ${(i + shift).toFixed(1)}87654321012]`).join(', ');
  const text = `sensor: ${sensor}\ninput_unit: celsius\nunit: celsius\nversions:\n  - valid_from: 2025-01-01T00:00:00Z\n    method: table\n    points: [${points}]\n`;
  return text + '# padding\n'.repeat(Math.max(0, Math.floor((1024 * 1024 - Buffer.byteLength(text) - 1) / 10)));
}

async function run(side: Side, layout: Layout, runIndex: number, topics: Record<string, string>, count = COUNT): Promise<RunResult> {
  const dir = mkdtempSync(join(os.tmpdir(), `kalibra-profiles-bench-${layout}-`));
  const files = fleetFiles(count);
  const mount = new ConfigMapMount(dir);
  if (layout === 'plain') writePlainFleet(dir, files);
  else mount.publish(files);
  // As a fleet that has been in place a while (no file written within the last seconds).
  const past = new Date(Date.now() - 3_600_000);
  for (const name of files.keys()) utimesSync(join(dir, name), past, past);

  const started = performance.now();
  const child = spawn(join(side.root, 'bin', 'calibrator'), ['--no-gate'], {
    env: {
      ...process.env, KALIBRA_HTTP_PORT: '0', KAFKA_BROKERS: brokers.join(','), KALIBRA_PROFILES_DIR: dir,
      KALIBRA_TOPIC_RAW: topics.raw, KALIBRA_TOPIC_CALIBRATED: topics.calibrated, KALIBRA_TOPIC_DLQ: topics.dlq, KALIBRA_TOPIC_REPLAY_STATE: topics.state,
      KALIBRA_GROUP_ID: `profiles-bench-${stamp}-${side.id}-${layout}-${runIndex}`, KALIBRA_INSTANCE_ID: `profiles-bench-${side.id}-${layout}-${runIndex}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let partial = '';
  let reloadsLogged = 0;
  let loadedMs: number | undefined;
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-50_000);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.includes('"msg":"calibration profiles reloaded"')) reloadsLogged += 1;
      const loaded = /"msg":"calibration profiles loaded".*"ms":(\d+)/.exec(line);
      if (loaded !== null) loadedMs = Number(loaded[1]);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve(); }); });
  const out = (): string => output;
  try {
    const port = Number(await until('the ops port', child, out, () => Promise.resolve(/"msg":"ops server listening".*?"port":(\d+)/.exec(output)?.[1])));
    await until('/readyz 200', child, out, async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined));
    const readyMs = performance.now() - started;
    process.stderr.write(`${side.name} ${layout} run ${runIndex}: ready after ${Math.round(readyMs)} ms\n`);

    await sleep(5_000); // settle: the first commits, the group, the start-up garbage
    const pid = child.pid!;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    await sleep(IDLE_S * 1000);
    const idleCpuPct = (100 * (cpuSeconds(pid) - cpu0)) / ((performance.now() - t0) / 1000);
    process.stderr.write(`${side.name} ${layout} run ${runIndex}: idle CPU ${idleCpuPct.toFixed(2)} %\n`);

    // Each scrape of /metrics resets the event-loop delay histogram: the reload is watched in the log, and /metrics read once before and once after.
    const lagMs = async (): Promise<number> => 1000 * await metric(port, 'nodejs_eventloop_lag_max_seconds');
    const reloadOnce = async (edit: () => void): Promise<{ ms: number; lag: number }> => {
      const before = reloadsLogged;
      await lagMs();
      const written = performance.now();
      edit();
      // A ConfigMap update counts from the `..data` rename: writing 10,000 files into the new
      // generation before it (seconds here, in this process) is the kubelet's work, and the
      // calibrator cannot see any of it until the rename.
      const t = layout === 'plain' ? written : mount.swappedAt;
      await until('the reload applied', child, out, () => Promise.resolve(reloadsLogged > before ? true : undefined));
      const ms = performance.now() - t;
      return { ms, lag: await lagMs() };
    };
    const edit = (text: string): void => {
      if (layout === 'plain') {
        writeFileSync(join(dir, `${EDITED}.yaml`), text);
      } else {
        files.set(`${EDITED}.yaml`, text);
        mount.publish(files);
      }
    };
    const reloadMs: number[] = [];
    const reloadLagMs: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const { ms, lag } = await reloadOnce(() => edit(linearProfileYaml(EDITED, 1, i + 1)));
      reloadMs.push(ms);
      reloadLagMs.push(lag);
      process.stderr.write(`${side.name} ${layout} run ${runIndex}: reload ${i} in ${Math.round(ms)} ms, event-loop max delay ${Math.round(lag)} ms\n`);
      await sleep(2_500);
    }
    const fleetPeakRssMb = rssMb(pid, 'VmHWM');
    let bigReloadMs: number | null = null;
    let bigLagMs: number | null = null;
    if (layout === 'plain' && count === COUNT) {
      const big = await reloadOnce(() => edit(bigTableYaml(EDITED, runIndex)));
      bigReloadMs = big.ms;
      bigLagMs = big.lag;
      process.stderr.write(`${side.name} ${layout} run ${runIndex}: 1 MiB reload in ${Math.round(big.ms)} ms, event-loop max delay ${Math.round(big.lag)} ms\n`);
    }
    return { readyMs, loadedMs, idleCpuPct, reloadMs, reloadLagMs, bigReloadMs, bigLagMs, peakRssMb: fleetPeakRssMb, bigPeakRssMb: rssMb(pid, 'VmHWM'), finalRssMb: rssMb(pid, 'VmRSS') };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const s = (ms: number): string => (ms / 1000).toFixed(2);
const headCommit = (): string => execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const mark = (ok: boolean): string => (ok ? '' : ' ✗');

const sides: Side[] = [
  ...(BEFORE === 'none' ? [] : [{ id: 'before', name: `before (${BEFORE})`, root: prepareBefore(BEFORE) }]),
  { id: 'after', name: `after (${headCommit()})`, root },
];
const layouts: Layout[] = ['plain', 'configmap'];
const topics = {
  raw: `profiles-bench-raw-${stamp}`, calibrated: `profiles-bench-calibrated-${stamp}`,
  dlq: `profiles-bench-dlq-${stamp}`, state: `profiles-bench-replay-state-${stamp}`,
};
const loadAtStart = os.loadavg()[0]!;
const admin = new Admin({ clientId: `profiles-bench-${stamp}`, bootstrapBrokers: brokers });
const rows: string[] = [];
try {
  await admin.createTopics({ topics: [topics.raw, topics.calibrated, topics.dlq], partitions: 3, replicas: 1 });
  await admin.createTopics({ topics: [topics.state], partitions: 1, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] });
  let runIndex = 0;
  // The baseline: the same calibrator with 12 profiles, for what the runtime costs without a fleet.
  const baseline = await run(sides.at(-1)!, 'plain', runIndex++, topics, 12);
  rows.push(`| ${sides.at(-1)!.name}, 12 profiles (baseline) | plain directory, in-place edit | ${s(baseline.readyMs)} s | ${baseline.loadedMs === undefined ? '–' : `${s(baseline.loadedMs)} s`} `
    + `| ${baseline.idleCpuPct.toFixed(2)} % | ${s(median(baseline.reloadMs))} s | ${Math.round(Math.max(...baseline.reloadLagMs))} ms | – | ${Math.round(baseline.peakRssMb)} MB | – | ${Math.round(baseline.finalRssMb)} MB |`);
  for (const layout of layouts) {
    // Alternating order between the layouts, so neither side always runs second.
    for (const side of runIndex % 2 === 0 ? sides : [...sides].reverse()) {
      const r = await run(side, layout, runIndex, topics);
      runIndex += 1;
      const reload = median(r.reloadMs);
      rows.push(`| ${side.name} | ${layout === 'plain' ? 'plain directory, in-place edit' : 'ConfigMap mount, new ..data generation'} `
        + `| ${s(r.readyMs)} s${mark(r.readyMs <= GOALS.readyS * 1000)} | ${r.loadedMs === undefined ? '–' : `${s(r.loadedMs)} s`} | ${r.idleCpuPct.toFixed(2)} %${mark(r.idleCpuPct <= GOALS.idleCpuPct)} `
        + `| ${s(reload)} s (${r.reloadMs.map(s).join(', ')})${mark(reload <= GOALS.reloadS * 1000)} | ${Math.round(Math.max(...r.reloadLagMs))} ms `
        + `| ${r.bigReloadMs === null ? '–' : `${s(r.bigReloadMs)} s, ${Math.round(r.bigLagMs!)} ms`} `
        + `| ${Math.round(r.peakRssMb)} MB${mark(r.peakRssMb <= GOALS.rssMb)} | ${r.bigReloadMs === null ? '–' : `${Math.round(r.bigPeakRssMb)} MB`} | ${Math.round(r.finalRssMb)} MB |`);
    }
  }
} finally {
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.close();
}

writeSection('profiles', `
## Calibration profiles at scale (\`bench/profiles.bench.ts\`)

Machine: ${await machineLine()}; local single-node Kafka; load average (1 min) ${loadAtStart.toFixed(1)} at the start and
${os.loadavg()[0]!.toFixed(1)} at the end, on ${os.cpus().length} cores. \`bin/calibrator --no-gate\` with ${COUNT.toLocaleString('en-US')} generated
profiles (all five methods, test/helpers/profile-fleet.ts), a fresh process per row. Ready: spawn to the first \`/readyz\`
200. Idle CPU: utime + stime from /proc/<pid>/stat over ${IDLE_S} s, 5 s after ready, no readings flowing. Reload: from
writing one file in place (or, for a ConfigMap, from the \`..data\` rename that makes a new generation visible, every file new and one changed) to
the calibrator logging "calibration profiles reloaded", median of ${RELOADS}; event-loop delay: the largest
\`nodejs_eventloop_lag_max_seconds\` over those reloads (read before and after each; it includes the 10 ms sampling
resolution). Of which profiles: the calibrator's own "calibration profiles loaded" time. 1 MiB: the same with a
10,000-point table padded to ~1 MiB written in place. RSS: peak (VmHWM) before the 1 MiB reload, after it, and VmRSS at
the end. Goals (issue 14): ready ≤ ${GOALS.readyS} s, idle CPU ≤
${GOALS.idleCpuPct} % of a core, reload ≤ ${GOALS.reloadS} s, RSS ≤ ${GOALS.rssMb} MB; ✗ marks a miss.

| calibrator | layout | ready | of which profiles | idle CPU | one-file reload | event-loop delay | 1 MiB reload, delay | RSS peak | peak with 1 MiB | RSS at end |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`);
process.stdout.write(`${rows.join('\n')}\n`);
