// `npm run bench -- connect-mode`: our sinks against Connect mode, the whole pipeline each time.
// Contenders: (a) bin/sink --mapping raw + bin/calibrator (Postgres gate) + bin/sink --mapping
// calibrated (bench/pipeline-harness.ts); (b) Connect mode: a Kafka Connect worker with the
// committed raw and calibrated Debezium JDBC sink connectors + bin/calibrator gated on the raw
// connector's committed offsets (bench/connect-mode-harness.ts). Each run starts every process
// fresh (a new worker too), and the order of the contenders alternates between runs.
// Per contender and run:
// - rows/s: a backlog of RECORDS readings (bin/simulate --start 1d --max-records, each in the
//   form the contender takes) produced at once; both tables are counted every 250 ms and the rate
//   is taken between 20 % and 80 % of the calibrated rows (steady state, start and tail left out);
// - latency: bin/simulate live at RATE readings/s for SECONDS; reading ts → first time an
//   outside poller (every 50 ms, the same for both) sees its calibrated row; p50 and p99.
// Medians over the runs are written to bench/RESULTS.md with the delivery guarantee of each.
//   KALIBRA_BENCH_RECORDS=5000 KALIBRA_BENCH_SECONDS=5 KALIBRA_BENCH_RUNS=1 npm run bench -- connect-mode   (smoke)
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { machineLine, writeSection } from './results.ts';
import { cpuSeconds, databaseUrl, percentile, spawnBin, startPipeline } from './pipeline-harness.ts';
import type { PipelineUnderTest } from './pipeline-harness.ts';
import { startConnectModePipeline } from './connect-mode-harness.ts';

const SENSORS = 1_000;
const RECORDS = Number(process.env.KALIBRA_BENCH_RECORDS ?? 200_000);
const SECONDS = Number(process.env.KALIBRA_BENCH_SECONDS ?? 60);
const RATE = Number(process.env.KALIBRA_BENCH_RATE ?? 1_000);
const RUNS = Number(process.env.KALIBRA_BENCH_RUNS ?? 3);
const DRAIN_TIMEOUT_MS = Number(process.env.KALIBRA_BENCH_DRAIN_SECONDS ?? 600) * 1000;

const contenders = [
  {
    name: 'our sinks (bin/sink raw + calibrated)',
    start: (): Promise<PipelineUnderTest> => startPipeline(SENSORS),
    guarantee: 'exactly once: rows and the Kafka offsets they came from commit in one Postgres transaction',
  },
  {
    name: 'Connect mode (Debezium JDBC sink 3.6.0, Kafka Connect 4.3.1)',
    start: (): Promise<PipelineUnderTest> => startConnectModePipeline(SENSORS),
    guarantee: 'at least once, made idempotent by the upsert on (sensor_id, ts): offsets are committed after the rows, every 500 ms',
  },
] as const;

interface Measured {
  rawRowsPerSecond: number; calibratedRowsPerSecond: number; p50: number | undefined; p99: number | undefined; latencySamples: number; load: number;
  /** CPU time per reading of the backlog, by process (the Connect worker's JVM counted as one), in µs. */
  cpuMicrosPerReading: Record<string, number>;
}

/** The pipeline's processes by name with their pids: ours, or the calibrator and the Connect worker. */
function pidsOf(p: PipelineUnderTest): Record<string, number | undefined> {
  const pids: Record<string, number | undefined> = Object.fromEntries(p.processes.map((proc) => [proc.name, proc.child.pid]));
  if ('workerPid' in p && typeof p.workerPid === 'number') pids['Connect worker'] = p.workerPid;
  return pids;
}

function cpuOf(p: PipelineUnderTest): Record<string, number> {
  return Object.fromEntries(Object.entries(pidsOf(p)).map(([name, pid]) => [name, cpuSeconds(pid) ?? 0]));
}

async function counts(db: pg.Client, schema: string): Promise<{ raw: number; calibrated: number }> {
  const { rows: [row] } = await db.query<{ raw: string; calibrated: string }>(
    `SELECT (SELECT count(*) FROM "${schema}".raw_readings) AS raw, (SELECT count(*) FROM "${schema}".calibrated_readings) AS calibrated`);
  return { raw: Number(row!.raw), calibrated: Number(row!.calibrated) };
}

async function runSimulator(p: PipelineUnderTest, args: string[]): Promise<number> {
  const proc = spawnBin('simulator', 'simulate', ['--sensors', String(SENSORS), '--malformed-percent', '0', '--duplicate-percent', '0', ...args], p.env);
  const code = await proc.exited;
  if (code !== 0) throw new Error(`bin/simulate exited ${code}:\n${proc.output().slice(-2_000)}`);
  const last = proc.output().trim().split('\n').reverse().find((line) => line.startsWith('{"readings"'));
  return (JSON.parse(last ?? '{"readings":0}') as { readings: number }).readings;
}

/** Live readings at RATE for SECONDS; each reading's latency is when a 50 ms poller first saw its calibrated row, minus its ts. */
async function latencyRun(p: PipelineUnderTest, db: pg.Client): Promise<number[]> {
  const fromMs = Date.now();
  const seen = new Map<string, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const at = Date.now();
      const { rows } = await db.query<{ k: string; ts_ms: number }>(
        `SELECT sensor_id || '|' || (extract(epoch FROM ts) * 1000)::bigint AS k, (extract(epoch FROM ts) * 1000)::float8 AS ts_ms
         FROM "${p.schema}".calibrated_readings WHERE ts >= $1`, [new Date(fromMs)]);
      for (const row of rows) if (!seen.has(row.k)) seen.set(row.k, at - row.ts_ms);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const sent = await runSimulator(p, ['--rate', String(RATE), '--duration', `${SECONDS}s`, '--seed', String(Date.now() % 100_000)]);
  const deadline = Date.now() + 60_000;
  while (seen.size < sent && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  polling = false;
  await poller;
  if (seen.size < sent) process.stdout.write(`  latency run: only ${seen.size} of ${sent} readings became rows within 60 s\n`);
  return [...seen.values()].sort((a, b) => a - b);
}

/** A backlog of RECORDS readings sent at once; the steady rate of both tables between 20 % and 80 % of the calibrated rows. */
async function throughputRun(p: PipelineUnderTest, db: pg.Client): Promise<{ raw: number; calibrated: number }> {
  const before = await counts(db, p.schema);
  const samples: { at: number; raw: number; calibrated: number }[] = [];
  const producing = runSimulator(p, ['--start', '1d', '--rate', String(Math.max(SENSORS, 10_000)), '--max-records', String(RECORDS), '--seed', String(Date.now() % 100_000)]);
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const now = await counts(db, p.schema);
    samples.push({ at: Date.now(), raw: now.raw - before.raw, calibrated: now.calibrated - before.calibrated });
    if (now.calibrated - before.calibrated >= RECORDS && now.raw - before.raw >= RECORDS) break;
    if (Date.now() > deadline) throw new Error(`the backlog did not drain within ${DRAIN_TIMEOUT_MS / 1000} s (last: ${JSON.stringify(samples.at(-1))})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await producing;
  const at = (fraction: number, key: 'raw' | 'calibrated'): { at: number; n: number } => {
    const sample = samples.find((s) => s[key] >= fraction * RECORDS) ?? samples.at(-1)!;
    return { at: sample.at, n: sample[key] };
  };
  const rate = (key: 'raw' | 'calibrated'): number => {
    const [a, b] = [at(0.2, key), at(0.8, key)];
    return b.at > a.at ? ((b.n - a.n) * 1000) / (b.at - a.at) : NaN;
  };
  return { raw: rate('raw'), calibrated: rate('calibrated') };
}

async function measure(contender: (typeof contenders)[number]): Promise<Measured> {
  const p = await contender.start();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Warm-up: group joins, first connections, JIT; not reported.
    await runSimulator(p, ['--rate', '200', '--duration', '5s', '--seed', '1']);
    const latency = await latencyRun(p, db);
    const cpuBefore = cpuOf(p);
    const throughput = await throughputRun(p, db);
    const cpuAfter = cpuOf(p);
    const result: Measured = {
      cpuMicrosPerReading: Object.fromEntries(Object.entries(cpuAfter).map(([name, s]) => [name, ((s - (cpuBefore[name] ?? 0)) * 1e6) / RECORDS])),
      rawRowsPerSecond: throughput.raw, calibratedRowsPerSecond: throughput.calibrated,
      p50: percentile(latency, 0.5), p99: percentile(latency, 0.99), latencySamples: latency.length, load: loadavg()[0]!,
    };
    process.stdout.write(`${contender.name}: ${JSON.stringify(result)}\n`);
    return result;
  } finally {
    await db.end().catch(() => undefined);
    await p.close();
  }
}

const results = new Map<string, Measured[]>(contenders.map((c) => [c.name, []]));
for (let run = 0; run < RUNS; run++) {
  const order = run % 2 === 0 ? contenders : [...contenders].reverse();
  for (const contender of order) results.get(contender.name)!.push(await measure(contender));
}

const median = (values: (number | undefined)[]): number | undefined => {
  const sorted = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
};
const n = (v: number | undefined): string => (v === undefined ? '—' : Math.round(v).toLocaleString('en'));
writeSection('connect-mode', `## Our sinks vs Connect mode (\`bench/connect-mode.bench.ts\`)

${await machineLine()} (${cpus().length} cores). The whole pipeline on the local stack, ${SENSORS.toLocaleString('en')} sensors with
profiles, topics of 4 partitions, one instance of each process (one connector task each). Each contender is started fresh for
every run (a new Connect worker too), the order alternating; medians of ${RUNS} run${RUNS === 1 ? '' : 's'}.
Rows/s: a backlog of ${RECORDS.toLocaleString('en')} readings (bin/simulate --start 1d --max-records) produced at once, both tables
counted every 250 ms, the rate taken between 20 % and 80 % of the rows. Latency: bin/simulate live at
${RATE.toLocaleString('en')} readings/s for ${SECONDS} s; reading ts → the first time an outside poller (every 50 ms, the same for both)
sees its calibrated row. Connect mode's raw readings are Connect JSON envelopes (bin/simulate --raw-format connect-json);
its gate waits for the raw connector's committed offset (offset.flush.interval.ms 500, KALIBRA_GATE_POLL_INTERVAL 200 ms).

| contender | raw rows/s | calibrated rows/s | latency p50 ms | latency p99 ms | delivery to Postgres | load (1 min) |
|---|---:|---:|---:|---:|---|---:|
${contenders.map((c) => {
  const runs = results.get(c.name)!;
  return `| ${c.name} | ${n(median(runs.map((r) => r.rawRowsPerSecond)))} | ${n(median(runs.map((r) => r.calibratedRowsPerSecond)))} | ${n(median(runs.map((r) => r.p50)))} | ${n(median(runs.map((r) => r.p99)))} | ${c.guarantee} | ${runs.map((r) => r.load.toFixed(2)).join(', ')} |`;
}).join('\n')}

Where the CPU goes (median CPU time per reading of the backlog, by process, from /proc; Postgres and the broker not counted):

| contender | ${'process: CPU µs per reading'} |
|---|---|
${contenders.map((c) => {
  const runs = results.get(c.name)!;
  const names = Object.keys(runs[0]?.cpuMicrosPerReading ?? {});
  return `| ${c.name} | ${names.map((name) => `${name} ${n(median(runs.map((r) => r.cpuMicrosPerReading[name])))}`).join(', ')} |`;
}).join('\n')}`);
