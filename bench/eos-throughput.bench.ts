// `npm run bench -- eos-throughput`: steady-state records/s of a ~200-byte JSON mapValues
// transform on the local broker, Kalibra's StreamsRuntime (exactly_once, defaults) against
// Kafka Streams 4.3.1 (exactly_once_v2, the same transform, bench/kafka-streams-eos/) and
// against a bare @platformatic/kafka consume → produce → commit loop (the limit), in the same
// run on the same input. Each contender runs in a fresh process (bench/eos-contender.ts, or the
// Java jar) and is timed from outside, by polling its group's committed offsets: steady state is
// from the first committed offset seen to the last input offset committed, so start-up, JIT
// warm-up of the JVM and the group join are left out. Writes its section of bench/RESULTS.md.
//
// Environment: BENCH_RECORDS (default 1,000,000; smaller only for a smoke run), BENCH_RUNS
// (default 3, the order rotates between runs), BENCH_CONTENDERS (default bare,kalibra,kafka-streams;
// add bare-confluent with BENCH_CONFLUENT_MODULE=<a built @confluentinc/kafka-javascript>),
// BENCH_PROFILE=<dir> (Node contenders run with --cpu-prof into <dir>), BENCH_NO_RESULTS=1
// (print, do not write RESULTS.md).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Producer } from '@platformatic/kafka';
import { machineLine, writeSection } from './results.ts';

const here = dirname(fileURLToPath(import.meta.url));
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const PARTITIONS = 4;
const POLL_MS = 50;
const suffix = randomBytes(3).toString('hex');
const name = (what: string): string => `bench-eos-${what}-${suffix}`;
const JAR = join(here, 'kafka-streams-eos', 'target', 'kafka-streams-eos.jar');

const CONTENDERS = {
  'bare': 'bare @platformatic/kafka loop: consume → map → produce → commit offsets (no transactions; the limit; the runtime\'s client settings)',
  'bare-confluent': 'bare @confluentinc/kafka-javascript loop (librdkafka; the same loop, its KafkaJS API)',
  'kalibra': 'Kalibra StreamsRuntime, exactly_once, defaults',
  'kafka-streams': 'Kafka Streams 4.3.1, exactly_once_v2, commit.interval.ms 100, one stream thread',
} as const;
type Contender = keyof typeof CONTENDERS;
const defaultContenders = ['bare', 'kalibra', 'kafka-streams', ...(process.env.BENCH_CONFLUENT_MODULE ? ['bare-confluent'] : [])];
const contenders = (process.env.BENCH_CONTENDERS?.split(',') ?? defaultContenders) as Contender[];
for (const c of contenders) if (!(c in CONTENDERS)) throw new Error(`BENCH_CONTENDERS: unknown contender '${c}' (${Object.keys(CONTENDERS).join(', ')})`);

function value(id: number): Buffer {
  return Buffer.from(JSON.stringify({
    id, sensor_id: `sensor-${String(id % 97).padStart(3, '0')}`, ts: 1_764_000_000_000 + id, value: (id % 1000) / 10,
    unit: 'celsius', note: 'x'.repeat(92),
  }));
}

async function fillInput(topic: string): Promise<void> {
  const producer = new Producer({ clientId: name('fill'), bootstrapBrokers: brokers });
  const sends: Promise<unknown>[] = [];
  for (let start = 0; start < RECORDS; start += 2_000) {
    const messages = [];
    for (let id = start; id < Math.min(RECORDS, start + 2_000); id++) messages.push({ topic, key: Buffer.from(`r-${id}`), value: value(id) });
    sends.push(producer.send({ messages }));
    if (sends.length >= 8) await sends.shift();
  }
  await Promise.all(sends);
  await producer.close();
}

/** Builds the Kafka Streams contender with Maven when its jar is missing; false when that fails. */
function ensureJar(): boolean {
  if (existsSync(JAR)) return true;
  process.stderr.write('building bench/kafka-streams-eos with Maven…\n');
  const built = spawnSync('mvn', ['-q', '-B', '-f', join(here, 'kafka-streams-eos', 'pom.xml'), 'package'], { stdio: 'inherit' });
  return built.status === 0 && existsSync(JAR);
}

function spawnContender(contender: Contender, input: string, output: string, group: string): ChildProcess {
  const env = { ...process.env, KAFKA_BROKERS: brokers.join(','), BENCH_KIND: contender, BENCH_INPUT: input, BENCH_OUTPUT: output, BENCH_GROUP: group, KALIBRA_LOG_LEVEL: 'warn' };
  if (contender === 'kafka-streams') {
    return spawn('java', ['-jar', JAR, brokers.join(','), group, input, output], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const profile = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${contender}-${group}.cpuprofile`];
  return spawn(process.execPath, [...profile, join(here, 'eos-contender.ts')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** CPU seconds (user + system) and resident set of a live process, from /proc. */
function procStats(pid: number): { cpu: number; rssMiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, rssMiB: Number(fields[21]) * 4096 / 2 ** 20 };
  } catch {
    return undefined;
  }
}

interface Result {
  contender: Contender;
  rate: number;
  cpuMicros: number;
  peakRssMiB: number;
  totalSeconds: number;
}

async function committedTotal(admin: Admin, group: string, input: string): Promise<number> {
  try {
    const groups = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: input, partitionIndexes: [...Array(PARTITIONS).keys()] }] }] });
    let total = 0;
    for (const g of groups) for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset > 0n) total += Number(p.committedOffset);
    return total;
  } catch {
    return 0; // the group does not exist yet
  }
}

async function runOne(contender: Contender, input: string, admin: Admin, run: number): Promise<Result> {
  const output = name(`out-${contender}-${run}`);
  const group = name(`${contender}-${run}`);
  await admin.createTopics({ topics: [output], partitions: PARTITIONS, replicas: 1 });
  const spawned = performance.now();
  const child = spawnContender(contender, input, output, group);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => { exitCode = code; });
  try {
    let first: { at: number; committed: number; cpu: number } | undefined;
    let peakRssMiB = 0;
    const deadline = Date.now() + Math.max(600_000, RECORDS / 2); // at least 2,000 records/s
    for (;;) {
      if (exitCode !== undefined) throw new Error(`${contender} exited with ${exitCode} before committing ${RECORDS} offsets`);
      if (Date.now() > deadline) throw new Error(`${contender} did not commit ${RECORDS} offsets in time`);
      const committed = await committedTotal(admin, group, input);
      const at = performance.now();
      const stats = procStats(child.pid!);
      if (stats !== undefined) peakRssMiB = Math.max(peakRssMiB, stats.rssMiB);
      if (first === undefined && committed > 0 && stats !== undefined) first = { at, committed, cpu: stats.cpu };
      if (committed >= RECORDS && first !== undefined && stats !== undefined) {
        const records = committed - first.committed;
        const seconds = (at - first.at) / 1000;
        return {
          contender, rate: records / seconds, cpuMicros: (stats.cpu - first.cpu) * 1e6 / records, peakRssMiB,
          totalSeconds: (at - spawned) / 1000,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
    await admin.deleteTopics({ topics: [output] }).catch(() => undefined);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const admin = new Admin({ clientId: name('admin'), bootstrapBrokers: brokers });
const input = name('in');
const active = contenders.filter((c) => c !== 'kafka-streams' || ensureJar());
await admin.createTopics({ topics: [input], partitions: PARTITIONS, replicas: 1 });
try {
  await fillInput(input);
  const results: Result[] = [];
  for (let run = 0; run < RUNS; run++) {
    const order = active.map((_, i) => active[(i + run) % active.length]!);
    for (const contender of order) {
      const result = await runOne(contender, input, admin, run);
      process.stderr.write(`run ${run + 1}/${RUNS} ${contender}: ${fmt(result.rate)} records/s, ${result.cpuMicros.toFixed(1)} µs CPU/record, peak RSS ${fmt(result.peakRssMiB)} MiB\n`);
      results.push(result);
    }
  }
  const summary = new Map(active.map((c) => {
    const mine = results.filter((r) => r.contender === c);
    return [c, { rate: median(mine.map((r) => r.rate)), rates: mine.map((r) => r.rate), cpu: median(mine.map((r) => r.cpuMicros)), rss: Math.max(...mine.map((r) => r.peakRssMiB)), total: median(mine.map((r) => r.totalSeconds)) }];
  }));
  const ratio = (c: Contender, to: Contender): string => {
    const a = summary.get(c);
    const b = summary.get(to);
    return a && b ? `${(a.rate / b.rate).toFixed(2)}×` : '–';
  };
  const rows = active.map((c) => {
    const s = summary.get(c)!;
    return `| ${CONTENDERS[c]} | ${fmt(s.rate)} | ${s.rates.map(fmt).join(' / ')} | ${s.cpu.toFixed(1)} | ${fmt(s.rss)} | ${s.total.toFixed(1)} | ${ratio(c, 'kafka-streams')} | ${ratio(c, 'bare')} |`;
  });
  const markdown = [
    '## eos-throughput',
    '',
    `${RECORDS.toLocaleString('en-US')} records of ~200-byte JSON in ${PARTITIONS} partitions, written before each contender starts (a backlog), the same`,
    'mapValues transform everywhere (parse, add a field, re-serialise), one instance, the local single-node Kafka.',
    `Each contender in a fresh process, ${RUNS} run(s), the order rotated between runs. Timed from outside by polling the group's committed`,
    `offsets every ${POLL_MS} ms: records/s is steady state, from the first committed offset seen to the last input offset committed`,
    '(start-up, group join and JVM warm-up left out; "start to done" includes them). CPU per record is the process\'s user + system',
    'time over the same window (/proc), so a contender that uses more than one core shows it here.',
    '',
    `Machine: ${await machineLine()}`,
    '',
    '| contender | records/s (median) | runs | CPU µs/record | peak RSS MiB | start to done s | × Kafka Streams | × bare loop |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Goals (issue 14): Kalibra ≥ 1.2× Kafka Streams eos-v2 and ≥ 0.8× the bare loop.',
  ].join('\n');
  if (process.env.BENCH_NO_RESULTS !== '1') writeSection('eos-throughput', markdown);
  process.stdout.write(`${markdown}\n`);
} finally {
  await admin.deleteTopics({ topics: [input] }).catch(() => undefined);
  await admin.close();
}
