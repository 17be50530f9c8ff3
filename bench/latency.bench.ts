// `npm run bench -- latency`: the whole pipeline as processes on the local stack (bin/sink raw,
// bin/calibrator with the gate on, bin/sink calibrated; bench/pipeline-harness.ts), 1,000
// sensors with profiles, bin/simulate as the source. First 60 s at 200 and at 2,000 readings/s:
// end-to-end latency (reading ts → calibrated row committed, seen from outside) p50/p95/p99/max
// and each stage's p50/p99 from the processes' histograms. Then rising rates, 60 s each, until
// one is not sustained (bounded lag: some reading took longer than LAG_LIMIT_MS from its ts to
// its calibrated row, the simulator's own delay included): the highest sustained rate, with
// each process's CPU per reading. Writes its section of bench/RESULTS.md.
//   KALIBRA_BENCH_SECONDS=10 npm run bench -- latency    (shorter runs, for a smoke test)
import { cpus, loadavg } from 'node:os';
import { machineLine, writeSection } from './results.ts';
import {
  cpuSeconds, EndToEndObserver, histogramQuantile, percentile, scrapeHistogram, simulate, startPipeline,
} from './pipeline-harness.ts';
import type { Buckets, PipelineUnderTest } from './pipeline-harness.ts';

const SENSORS = 1_000;
const DURATION_MS = Number(process.env.KALIBRA_BENCH_SECONDS ?? 60) * 1000;
const LATENCY_RATES = [200, 2_000];
const SUSTAIN_RATES = [4_000, 8_000, 12_000, 16_000, 20_000, 24_000];
/** Bounded lag: every reading of a run is a calibrated row at most this long after its ts. */
const LAG_LIMIT_MS = 5_000;
/** How long to wait for the last rows after the simulator has finished. */
const DRAIN_WAIT_MS = 30_000;

const STAGES = [
  { label: 'produce → raw row committed', process: 'raw sink', metric: 'kalibra_sink_record_age_seconds' },
  { label: 'raw row committed → released by the gate', process: 'calibrator', metric: 'kalibra_gate_release_seconds' },
  { label: 'released → calibrated record committed in Kafka', process: 'calibrator', metric: 'kalibra_record_commit_seconds' },
  { label: 'taken by the calibrated sink → calibrated row committed', process: 'calibrated sink', metric: 'kalibra_sink_record_commit_seconds' },
] as const;

interface RunResult {
  rate: number;
  sent: number;
  rows: number;
  drainedMs: number | undefined;
  latency: number[];
  stages: { label: string; p50: number | undefined; p99: number | undefined }[];
  cpuMicrosPerReading: Record<string, number>;
  load: number;
}

async function scrapeStages(p: PipelineUnderTest): Promise<Buckets[]> {
  return Promise.all(STAGES.map((s) => scrapeHistogram(p.ports.get(s.process)!, s.metric)));
}

function processCpu(p: PipelineUnderTest): Record<string, number> {
  return Object.fromEntries(p.processes.map((proc) => [proc.name, cpuSeconds(proc.child.pid) ?? 0]));
}

async function run(p: PipelineUnderTest, observer: EndToEndObserver, rate: number): Promise<RunResult> {
  const stagesBefore = await scrapeStages(p);
  const cpuBefore = processCpu(p);
  const fromMs = Date.now();
  const sent = await simulate(p, SENSORS, rate, DURATION_MS);
  const toMs = Date.now();
  let drainedMs: number | undefined;
  for (;;) {
    const rows = observer.between(fromMs, toMs).length;
    if (rows >= sent.readings) { drainedMs = Date.now() - toMs; break; }
    if (Date.now() - toMs > DRAIN_WAIT_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const cpuAfter = processCpu(p);
  const stagesAfter = await scrapeStages(p);
  const cpuMicrosPerReading = Object.fromEntries(Object.entries(cpuAfter).map(([name, s]) => [name, ((s - cpuBefore[name]!) * 1e6) / Math.max(1, sent.readings)]));
  cpuMicrosPerReading.simulator = (sent.cpuSeconds * 1e6) / Math.max(1, sent.readings);
  const latency = observer.between(fromMs, toMs);
  const result: RunResult = {
    rate, sent: sent.readings, rows: latency.length, drainedMs, latency, load: loadavg()[0]!, cpuMicrosPerReading,
    stages: STAGES.map((s, i) => ({
      label: s.label,
      p50: histogramQuantile(stagesAfter[i]!, stagesBefore[i]!, 0.5),
      p99: histogramQuantile(stagesAfter[i]!, stagesBefore[i]!, 0.99),
    })),
  };
  const ms = (v: number | undefined): string => (v === undefined ? '—' : `${Math.round(v)} ms`);
  process.stdout.write(`${rate}/s: sent ${result.sent}, rows ${result.rows}, drained ${ms(drainedMs)}; `
    + `p50 ${ms(percentile(latency, 0.5))} p99 ${ms(percentile(latency, 0.99))} max ${ms(latency.at(-1))}; load ${result.load.toFixed(2)}\n`);
  return result;
}

const sustained = (r: RunResult): boolean => r.drainedMs !== undefined && (r.latency.at(-1) ?? Infinity) <= LAG_LIMIT_MS;

const pipeline = await startPipeline(SENSORS);
const observer = new EndToEndObserver();
const latencyRuns: RunResult[] = [];
const sustainRuns: RunResult[] = [];
try {
  await observer.start(pipeline);
  // Warm-up: joins, first connections, JIT; not reported.
  await simulate(pipeline, SENSORS, 200, 5_000);
  for (const rate of LATENCY_RATES) latencyRuns.push(await run(pipeline, observer, rate));
  for (const rate of SUSTAIN_RATES) {
    const result = await run(pipeline, observer, rate);
    sustainRuns.push(result);
    if (!sustained(result)) break;
  }
} finally {
  await observer.close();
  await pipeline.close();
}

const ms = (v: number | undefined): string => (v === undefined ? '—' : Math.round(v).toLocaleString('en'));
const best = [...sustainRuns].reverse().find(sustained);
const names = ['simulator', 'raw sink', 'calibrator', 'calibrated sink'];
writeSection('latency', `## End-to-end latency and sustained rate (\`bench/latency.bench.ts\`)

${await machineLine()} (${cpus().length} cores). The pipeline as processes on the local stack: bin/sink --mapping raw,
bin/calibrator (gate on, exactly-once), bin/sink --mapping calibrated, ${SENSORS.toLocaleString('en')} sensors each with a profile,
topics of 4 partitions, bin/simulate sending each reading when its ts comes. Latency = reading ts → the calibrated
sink's commit NOTIFY covering its offset (measured outside the pipeline, through a read_committed reader of the
calibrated topic). ${DURATION_MS / 1000} s per rate; the load average (1 min) at the end of each run is shown, since the
machine may be shared.

| readings/s | readings | p50 ms | p95 ms | p99 ms | max ms | load |
|---:|---:|---:|---:|---:|---:|---:|
${latencyRuns.map((r) => `| ${r.rate.toLocaleString('en')} | ${r.rows.toLocaleString('en')} / ${r.sent.toLocaleString('en')} | ${ms(percentile(r.latency, 0.5))} | ${ms(percentile(r.latency, 0.95))} | ${ms(percentile(r.latency, 0.99))} | ${ms(r.latency.at(-1))} | ${r.load.toFixed(2)} |`).join('\n')}

Per stage (the processes' histograms on /metrics, quantiles interpolated within buckets; the stages do not
add up exactly to the end to end: the Kafka fetches between them are in none):

| stage | ${latencyRuns.map((r) => `${r.rate.toLocaleString('en')}/s p50 ms | p99 ms`).join(' | ')} |
|---|${latencyRuns.map(() => '---:|---:').join('|')}|
${STAGES.map((s, i) => `| ${s.label} | ${latencyRuns.map((r) => `${ms((r.stages[i]!.p50 ?? NaN) * 1000)} | ${ms((r.stages[i]!.p99 ?? NaN) * 1000)}`).join(' | ')} |`).join('\n')}

Sustained rate: rising rates of ${DURATION_MS / 1000} s each until one is not sustained: bounded lag means every reading
of the run became a calibrated row at most ${LAG_LIMIT_MS / 1000} s after its ts (the simulator's own delay included).
Highest sustained: **${best === undefined ? 'none of the rates tried' : `${best.rate.toLocaleString('en')} readings/s`}**.

| readings/s | sent | last row after the simulator ended, ms | max latency ms | ${names.map((n) => `${n} CPU µs/reading`).join(' | ')} | sustained |
|---:|---:|---:|---:|${names.map(() => '---:').join('|')}|---|
${sustainRuns.map((r) => `| ${r.rate.toLocaleString('en')} | ${r.sent.toLocaleString('en')} | ${ms(r.drainedMs)} | ${ms(r.latency.at(-1))} | ${names.map((n) => ms(r.cpuMicrosPerReading[n])).join(' | ')} | ${sustained(r) ? 'yes' : 'no'} |`).join('\n')}`);
