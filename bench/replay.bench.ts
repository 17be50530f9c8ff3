// `npm run bench -- replay`: a recalibration replay of 1,000,000 readings through the real
// pipeline (bin/sink raw, bin/calibrator × N in one group sharing the partitions, bin/sink
// calibrated; bench/pipeline-harness.ts), started and timed by `bin/replay` as a user would run
// it, and from outside: until every replayed reading has been rewritten in calibrated_readings
// (its calibrated_at is after the replay started; counted with SQL). Reports readings/s and the
// cores each process used over the replay. Writes its section of bench/RESULTS.md.
//
// Environment: BENCH_READINGS (default 1,000,000; smaller only for a smoke run),
// BENCH_CALIBRATORS (default 2), BENCH_PARTITIONS (default 4), BENCH_SENSORS (default 200),
// BENCH_PROFILE=<dir> (each calibrator writes a CPU profile there), BENCH_NO_RESULTS=1 (print,
// do not write RESULTS.md).
import pg from 'pg';
import { machineLine, writeSection } from './results.ts';
import { cpuSeconds, databaseUrl, spawnBin, startPipeline, until } from './pipeline-harness.ts';
import type { PipelineUnderTest } from './pipeline-harness.ts';

const READINGS = Number(process.env.BENCH_READINGS ?? 1_000_000);
const CALIBRATORS = Number(process.env.BENCH_CALIBRATORS ?? 2);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const SENSORS = Number(process.env.BENCH_SENSORS ?? 200);
const RATE = 1_000; // readings/s of simulated history: READINGS of it span READINGS / RATE seconds

async function count(client: pg.Client, schema: string, since?: Date): Promise<number> {
  const where = since === undefined ? '' : ' WHERE calibrated_at >= $1';
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".calibrated_readings${where}`, since === undefined ? [] : [since]);
  return Number(result.rows[0]!.n);
}

/** Back-fills READINGS readings of history into the raw topic, as fast as the broker takes them. */
async function fill(p: PipelineUnderTest, startMs: number): Promise<void> {
  const sim = spawnBin('simulator', 'simulate', ['--sensors', String(SENSORS), '--rate', String(RATE), '--start', String(startMs),
    '--max-records', String(READINGS), '--duration', '1s', '--malformed-percent', '0', '--duplicate-percent', '0'], p.env);
  const code = await sim.exited;
  if (code !== 0) throw new Error(`bin/simulate exited ${code}:\n${sim.output().slice(-2_000)}`);
}

const p = await startPipeline(SENSORS, { calibrators: CALIBRATORS, partitions: PARTITIONS });
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
try {
  // History that ends a minute ago, so the back-fill is READINGS readings and nothing live.
  const startMs = Date.now() - Math.ceil(READINGS / RATE) * 1_000 - 60_000;
  await fill(p, startMs);
  const firstPass = await until('the first pass in calibrated_readings', async () => {
    const n = await count(db, p.schema);
    return n >= READINGS ? n : undefined;
  }, Math.max(300_000, READINGS));
  const cpuBefore = new Map(p.processes.map((proc) => [proc.name, cpuSeconds(proc.child.pid) ?? 0]));
  const replayStart = new Date();
  const started = performance.now();
  const replay = spawnBin('replay', 'replay', ['--from', new Date(startMs).toISOString(), '--yes', '--group', p.calibratorGroup], p.env);
  const code = await replay.exited;
  if (code !== 0) throw new Error(`bin/replay exited ${code}:\n${replay.output().slice(-2_000)}`);
  const replaySeconds = (performance.now() - started) / 1000;
  await until('every replayed reading rewritten in calibrated_readings', async () => ((await count(db, p.schema, replayStart)) >= firstPass ? true : undefined),
    Math.max(300_000, READINGS));
  const seconds = (performance.now() - started) / 1000;
  // Every process must have lived through the replay: a figure from a pipeline that lost one is no figure.
  const dead = p.processes.filter((proc) => proc.child.exitCode !== null || proc.child.signalCode !== null);
  if (dead.length > 0) {
    throw new Error(dead.map((proc) => `${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) during the replay:\n${proc.output().slice(-3_000)}`).join('\n'));
  }
  const cores = p.processes.map((proc) => ({ name: proc.name, cores: ((cpuSeconds(proc.child.pid) ?? 0) - cpuBefore.get(proc.name)!) / seconds }));
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const markdown = [
    '## replay',
    '',
    `A recalibration replay of ${READINGS.toLocaleString('en-US')} readings (${SENSORS} sensors, ${PARTITIONS} partitions) through the real pipeline on the`,
    `local stack: bin/sink raw, ${CALIBRATORS} bin/calibrator instance(s) in one group sharing the partitions, bin/sink calibrated.`,
    'The readings are calibrated once first; then `bin/replay --from <first reading> --yes` runs while everything is up.',
    'Timed from its start: to its exit (every partition re-read past the end captured at the start), and to the last',
    'replayed reading rewritten in `calibrated_readings` (its `calibrated_at` after the start; SQL count).',
    '',
    `Machine: ${await machineLine()}`,
    '',
    '| measured | seconds | readings/s |',
    '|---|---:|---:|',
    `| \`bin/replay\` start → done (calibrators past the end) | ${replaySeconds.toFixed(1)} | ${fmt(firstPass / replaySeconds)} |`,
    `| \`bin/replay\` start → all rewritten in calibrated_readings | ${seconds.toFixed(1)} | ${fmt(firstPass / seconds)} |`,
    '',
    `Cores used over the replay (CPU seconds / wall seconds): ${cores.map((c) => `${c.name} ${c.cores.toFixed(2)}`).join(', ')}`,
    `(total ${cores.reduce((sum, c) => sum + c.cores, 0).toFixed(2)}; the broker and Postgres not counted).`,
    '',
    'Goal (issue 14): ≥ 50,000 readings/s into calibrated_readings.',
  ].join('\n');
  if (process.env.BENCH_NO_RESULTS !== '1') writeSection('replay', markdown);
  process.stdout.write(`${markdown}\n`);
} finally {
  await db.end();
  await p.close();
}
