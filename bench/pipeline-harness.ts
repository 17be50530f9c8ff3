// The whole pipeline as processes on the local stack, for bench/latency: bin/sink --mapping raw,
// bin/calibrator (gate on) and bin/sink --mapping calibrated on fresh topics and a fresh schema,
// a profile for every simulated sensor, bin/simulate as the source; and the measurements, all
// taken from outside the code under test: the end-to-end latency of every reading (its ts →
// the calibrated sink's commit NOTIFY that covers its offset, matched through an independent
// read_committed reader of the calibrated topic), the processes' stage histograms on /metrics,
// and each process's CPU time from /proc.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import pg from 'pg';
import { extraSensor } from '../app/simulate/sensor-models.ts';
import { OFFSETS_CHANNEL } from '../connectors/postgres/sql.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';
export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PARTITIONS = 4;
const DEMO_FLEET = 12;

export interface BenchProcess {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

export function spawnBin(name: string, command: string, args: string[], env: Record<string, string>): BenchProcess {
  const child = spawn(join(root, 'bin', command), args, {
    cwd: root, env: { ...process.env, KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl, KALIBRA_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-20_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code); }); });
  return { name, child, output: () => output, exited };
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** CPU seconds (user + system) of a live process, from /proc (Linux); undefined once it is gone. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** Profiles for `sensors` simulated sensors: the demo fleet's own, then a linear one per extra thermometer. */
export function writeProfiles(sensors: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-bench-profiles-'));
  const committed = join(root, 'calibration-profiles');
  for (const file of readdirSync(committed).filter((f) => f.endsWith('.yaml'))) copyFileSync(join(committed, file), join(dir, file));
  for (let i = DEMO_FLEET + 1; i <= sensors; i++) {
    const model = extraSensor(i);
    const offset = -(model.raw(0, 0));
    writeFileSync(join(dir, `${model.id}.yaml`), [
      `sensor: ${model.id}`, 'input_unit: celsius', 'unit: celsius', 'limits: {min: -40, max: 85}', 'versions:',
      '  - valid_from: 2020-01-01T00:00:00Z', '    method: linear', '    gain: 1', `    offset: ${offset.toFixed(2)}`, '',
    ].join('\n'));
  }
  return dir;
}

export interface PipelineUnderTest {
  readonly topics: { raw: string; calibrated: string; dlq: string; state: string };
  readonly schema: string;
  readonly processes: BenchProcess[];
  /** Process name → its /metrics port. */
  readonly ports: Map<string, number>;
  readonly env: Record<string, string>;
  /** The calibrators' consumer group (what bin/replay moves). */
  readonly calibratorGroup: string;
  close(): Promise<void>;
}

export interface PipelineShape {
  /** Calibrator processes in one group, sharing the raw topic's partitions (default 1). */
  calibrators?: number;
  /** Partitions of the raw and calibrated topics (default 4). */
  partitions?: number;
}

export async function startPipeline(sensors: number, shape: PipelineShape = {}): Promise<PipelineUnderTest> {
  const partitions = shape.partitions ?? PARTITIONS;
  const id = `bench-${randomBytes(4).toString('hex')}`;
  const topics = { raw: `${id}.raw`, calibrated: `${id}.calibrated`, dlq: `${id}.dlq`, state: `${id}.replay-state` };
  const schema = id.replace('-', '_');
  const admin = new Admin({ clientId: id, bootstrapBrokers: brokers });
  const compact = [{ name: 'cleanup.policy', value: 'compact' }];
  await admin.createTopics({ topics: [topics.raw, topics.calibrated], partitions, replicas: 1, configs: compact });
  await admin.createTopics({ topics: [topics.dlq], partitions: 1, replicas: 1 });
  await admin.createTopics({ topics: [topics.state], partitions: 1, replicas: 1, configs: compact });
  await admin.close();
  const profilesDir = writeProfiles(sensors);
  const env = {
    KALIBRA_TOPIC_RAW: topics.raw, KALIBRA_TOPIC_CALIBRATED: topics.calibrated, KALIBRA_TOPIC_DLQ: topics.dlq,
    KALIBRA_TOPIC_REPLAY_STATE: topics.state, KALIBRA_SINK_SCHEMA: schema, KALIBRA_GATE_SCHEMA: schema,
    KALIBRA_PROFILES_DIR: profilesDir, KALIBRA_LOG_LEVEL: 'info',
  };
  const processes: BenchProcess[] = [];
  const ports = new Map<string, number>();
  const launch = async (name: string, command: string, args: string[], extra: Record<string, string>): Promise<void> => {
    const proc = spawnBin(name, command, args, { ...env, ...extra });
    processes.push(proc);
    const port = await until(`${name}'s ops port`, () => {
      if (proc.child.exitCode !== null) throw new Error(`${name} exited ${proc.child.exitCode}:\n${proc.output().slice(-2_000)}`);
      const match = /"msg":"ops server listening".*?"port":(\d+)/.exec(proc.output());
      return match === null ? undefined : Number(match[1]);
    });
    ports.set(name, port);
    await until(`${name} started`, () => (/"msg":"started"/.test(proc.output()) ? true : undefined));
  };
  // The gate reads the raw sink's offsets: the raw sink first, as in production.
  await launch('raw sink', 'sink', ['--mapping', 'raw'], { KALIBRA_GROUP_ID: `${id}-raw`, KALIBRA_INSTANCE_ID: `${id}-raw` });
  await launch('calibrated sink', 'sink', ['--mapping', 'calibrated'], { KALIBRA_GROUP_ID: `${id}-cal`, KALIBRA_INSTANCE_ID: `${id}-cal` });
  const calibrators = shape.calibrators ?? 1;
  for (let i = 0; i < calibrators; i++) {
    const name = calibrators === 1 ? 'calibrator' : `calibrator ${i + 1}`;
    // BENCH_PROFILE=<dir>: each calibrator writes a CPU profile there when it stops.
    const profile: Record<string, string> = process.env.BENCH_PROFILE === undefined ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` };
    await launch(name, 'calibrator', [], { KALIBRA_GROUP_ID: `${id}-calibrator`, KALIBRA_INSTANCE_ID: `${id}-calibrator-${i}`, ...profile });
  }

  const close = async (): Promise<void> => {
    for (const proc of processes.reverse()) {
      if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
      await Promise.race([proc.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    }
    rmSync(profilesDir, { recursive: true, force: true });
    const cleanup = new Admin({ clientId: `${id}-cleanup`, bootstrapBrokers: brokers });
    await cleanup.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await cleanup.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  return { topics, schema, processes, ports, env, calibratorGroup: `${id}-calibrator`, close };
}

/** bin/simulate at `rate` readings/s for `durationMs`, no duplicates or malformed messages; resolves with what it sent and its CPU. */
export async function simulate(p: PipelineUnderTest, sensors: number, rate: number, durationMs: number):
  Promise<{ readings: number; cpuSeconds: number }> {
  const proc = spawnBin('simulator', 'simulate',
    ['--sensors', String(sensors), '--rate', String(rate), '--duration', `${Math.round(durationMs / 1000)}s`,
      '--malformed-percent', '0', '--duplicate-percent', '0', '--seed', String(Date.now() % 100_000)], p.env);
  let cpu = 0;
  const sampler = setInterval(() => { cpu = cpuSeconds(proc.child.pid) ?? cpu; }, 250);
  const code = await proc.exited;
  clearInterval(sampler);
  if (code !== 0) throw new Error(`bin/simulate exited ${code}:\n${proc.output().slice(-2_000)}`);
  const last = proc.output().trim().split('\n').reverse().find((line) => line.startsWith('{"readings"'));
  return { readings: (JSON.parse(last ?? '{"readings":0}') as { readings: number }).readings, cpuSeconds: cpu };
}

/**
 * End-to-end latency from outside: a read_committed reader of the calibrated topic gives each
 * record's offset and timestamp (the reading's ts); the calibrated sink's NOTIFY (partition,
 * next_offset) at commit says which offsets just became rows. A reading's latency is the time
 * the first NOTIFY covering its offset arrived, minus its ts.
 */
export class EndToEndObserver {
  readonly #records = new Map<number, { offset: bigint; ts: number }[]>();
  readonly #notes = new Map<number, { next: bigint; at: number }[]>();
  readonly samples: { ts: number; latencyMs: number }[] = [];
  #listener: pg.Client | undefined;
  #consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  #stream: Awaited<ReturnType<Consumer<Buffer, Buffer, Buffer, Buffer>['consume']>> | undefined;

  async start(p: PipelineUnderTest): Promise<void> {
    this.#listener = new pg.Client({ connectionString: databaseUrl, application_name: 'kalibra-bench-latency' });
    await this.#listener.connect();
    this.#listener.on('notification', (message) => {
      const at = Date.now();
      if (message.channel !== OFFSETS_CHANNEL || message.payload === undefined) return;
      const note = JSON.parse(message.payload) as { schema: string; topic: string; partition: number; next_offset: string };
      if (note.schema !== p.schema || note.topic !== p.topics.calibrated) return;
      this.#queue(this.#notes, note.partition).push({ next: BigInt(note.next_offset), at });
      this.#match(note.partition);
    });
    await this.#listener.query(`LISTEN ${OFFSETS_CHANNEL}`);
    this.#consumer = new Consumer({
      clientId: `${p.schema}-observer`, groupId: `${p.schema}-observer`, bootstrapBrokers: brokers,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 100,
    });
    this.#stream = await this.#consumer.consume({ topics: [p.topics.calibrated], mode: 'earliest', autocommit: false });
    this.#stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
      this.#queue(this.#records, message.partition).push({ offset: message.offset, ts: Number(message.timestamp) });
      this.#match(message.partition);
    });
  }

  #queue<T>(map: Map<number, T[]>, partition: number): T[] {
    let queue = map.get(partition);
    if (queue === undefined) map.set(partition, queue = []);
    return queue;
  }

  #match(partition: number): void {
    const records = this.#queue(this.#records, partition);
    const notes = this.#queue(this.#notes, partition);
    while (records.length > 0 && notes.length > 0) {
      if (records[0]!.offset < notes[0]!.next) {
        const record = records.shift()!;
        this.samples.push({ ts: record.ts, latencyMs: notes[0]!.at - record.ts });
      } else {
        notes.shift();
      }
    }
  }

  /** Latencies of the readings with ts in [fromMs, toMs), ascending. */
  between(fromMs: number, toMs: number): number[] {
    return this.samples.filter((s) => s.ts >= fromMs && s.ts < toMs).map((s) => s.latencyMs).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    await this.#stream?.close().catch(() => undefined);
    await this.#consumer?.close().catch(() => undefined);
    await this.#listener?.end().catch(() => undefined);
  }
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

/** A histogram as /metrics shows it: cumulative bucket counts by upper bound, summed over label sets. */
export type Buckets = Map<number, number>;

export async function scrapeHistogram(port: number, name: string): Promise<Buckets> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const buckets: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return buckets;
}

/** The q-quantile of what a histogram counted between two scrapes, interpolated within its bucket (as Prometheus does). */
export function histogramQuantile(after: Buckets, before: Buckets, q: number): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! < rank) continue;
    const upper = bounds[i]!;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    if (upper === Infinity) return lower;
    const below = i === 0 ? 0 : counts[i - 1]!;
    return lower + (upper - lower) * ((rank - below) / Math.max(1, counts[i]! - below));
  }
  return undefined;
}
