// `npm run demo`: the whole pipeline on the local stack, end to end, with a live view (or
// headless for tests). It starts what a user would start by hand, feeds it simulated sensors,
// watches the tables and /metrics, and on stop (Ctrl-C or --duration) stops every child it
// started and waits for each. It never stops the broker or Postgres.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigValues, KafkaConnectionOptions } from '../../topology/core/ops/index.ts';
import { parseTimeSpec } from '../../topology/core/ops/index.ts';
import { fleet } from '../simulate/sensor-models.ts';
import { runSimulator } from '../simulate/run-simulator.ts';
import type { SimulatedRecord } from '../simulate/readings.ts';
import type { DemoChild } from './child-process.ts';
import type { demoCommandOptions } from './demo-options.ts';
import { runStep, startChild } from './demo-processes.ts';
import type { PipelineSettings } from './demo-processes.ts';
import type { DemoPhase, DemoState } from './demo-state.ts';
import { headlessProgress, renderDemoView } from './demo-view.ts';
import { DemoError } from './errors.ts';
import { PipelineObserver } from './pipeline-observer.ts';
import { ReplayObserver } from './replay-observer.ts';
import { sumAll, sumByLabel } from './prometheus-text.ts';
import { stageMeans, stageTotals } from './stage-latency.ts';
import type { StageTotals } from './stage-latency.ts';

export type DemoConfig = ConfigValues<typeof demoCommandOptions>;

export interface RunDemoOptions {
  config: DemoConfig;
  /** The checkout (bin/ lives here). */
  root: string;
  env: NodeJS.ProcessEnv;
  kafka: KafkaConnectionOptions;
  databaseUrl: string;
  /** Aborted on Ctrl-C/SIGTERM. */
  signal: AbortSignal;
  /** The live view: the full screen each second (not called with --headless). */
  draw: (lines: string[]) => void;
  /** Progress and status lines (stderr). */
  say: (line: string) => void;
}

/** One contiguous stretch of reading times the simulator sent: every record with ts in [fromMs, toMs]. */
export interface SentRange { fromMs: number; toMs: number }

export interface DemoSummary {
  seed: number;
  sensors: number;
  intervalMs: number;
  malformedRate: number;
  duplicateRate: number;
  ranges: SentRange[];
  sent: { readings: number; duplicates: number; malformed: number };
  rows: { raw: number; calibrated: number };
  /** Every reading sent has its calibrated row (headless waits up to 30 s for it). */
  drained: boolean;
  latency: { p50Ms: number | undefined; p99Ms: number | undefined; samples: number };
  dlqByCode: Record<string, number> | undefined;
  logsDir: string;
}

const SENSORS = 12;
const MALFORMED_RATE = 0.01;
const DUPLICATE_RATE = 0.01;
const READY_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 30_000;

export async function runDemo(options: RunDemoOptions): Promise<DemoSummary> {
  const { config, say } = options;
  const devDir = options.env.KALIBRA_DEV_DIR ?? join(options.root, '.dev');
  const logsDir = join(devDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  // Connect mode: the raw connector bin/dev-stack up --connect creates (KALIBRA_CONNECTOR_PREFIX, default kalibra).
  const connectGateGroup = config.connect ? `connect-${options.env.KALIBRA_CONNECTOR_PREFIX ?? 'kalibra'}-raw-jdbc-sink` : undefined;
  const settings: PipelineSettings = {
    root: options.root, logsDir, env: options.env, schema: config.sinkSchema, groupId: options.env.KALIBRA_GROUP_ID, connectGateGroup,
  };
  const backfillFrom = config.backfill === 'none' ? undefined : parseTimeSpec(config.backfill, Date.now(), '--backfill');
  const sensors = fleet(SENSORS);
  const intervalMs = Math.max(1, Math.round((SENSORS * 1000) / config.liveRate));

  // Stops the simulator on Ctrl-C, and also when a child dies under it.
  const stopping = new AbortController();
  const onAbort = (): void => stopping.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  let childFailure: DemoError | undefined;
  const children: DemoChild[] = [];
  const killAll = (): void => { for (const child of children) child.killNow(); };
  process.on('exit', killAll);
  let observer: PipelineObserver | undefined;
  let replays: ReplayObserver | undefined;
  try {
    if (config.connect) {
      say('bringing up the local stack with Kafka Connect and both JDBC sink connectors (bin/dev-stack up --connect)');
      await runStep(settings, 'dev-stack', 'bin/dev-stack', ['up', '--connect'], true);
    } else {
      say('bringing up the local stack (bin/dev-stack up)');
      await runStep(settings, 'dev-stack', 'bin/dev-stack', ['up'], true);
    }
    say('creating the topics (bin/topics apply)');
    await runStep(settings, 'topics', 'bin/topics', ['apply']);
    const start = async (role: Parameters<typeof startChild>[1]): Promise<DemoChild> => {
      const child = await startChild(settings, role);
      children.push(child);
      return child;
    };
    // Each step says when it starts and when it is done: starting takes seconds per process
    // (a Node process, its Kafka group join, its database), and silence looked like a hang.
    const startedAt = Date.now();
    const seconds = (): string => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
    let rawSink: DemoChild | undefined;
    let calibratedSink: DemoChild | undefined;
    if (config.connect) {
      say(`Connect mode: the Kafka Connect JDBC sinks land both tables; starting the calibrator, gated on ${connectGateGroup} (log calibrator.log)`);
    } else {
      say(`starting the raw sink (log ${join(logsDir, 'raw-sink.log')})`);
      rawSink = await start('raw sink');
      // The calibrator's gate reads the raw sink's offsets: the raw sink must be up first.
      await rawSink.waitReady(READY_TIMEOUT_MS);
      say(`raw sink ready after ${seconds()}; starting the calibrator and the calibrated sink (logs calibrator.log, calibrated-sink.log)`);
      calibratedSink = await start('calibrated sink');
    }
    const calibrator = await start('calibrator');
    await Promise.all([
      calibratedSink?.waitReady(READY_TIMEOUT_MS).then(() => say(`calibrated sink ready after ${seconds()}`)),
      calibrator.waitReady(READY_TIMEOUT_MS).then(() => say(`calibrator ready after ${seconds()}`)),
    ]);
    if (options.signal.aborted) return finish();

    let phase: DemoPhase = backfillFrom === undefined ? 'live' : 'back-fill';
    let liveSinceMs: number | undefined;
    // About how many readings the back-fill sends (each sensor every intervalMs), for "N of ~M".
    const backfillNowMs = Date.now();
    let backfill: DemoState['backfill'] = backfillFrom === undefined ? undefined
      : { sent: 0, expected: Math.round(((backfillNowMs - backfillFrom) / intervalMs) * SENSORS), fromMs: backfillFrom };
    const ranges: SentRange[] = [];
    const sent = { readings: 0, duplicates: 0, malformed: 0 };
    const onRecord = (range: SentRange | undefined) => (record: SimulatedRecord): void => {
      if (record.kind === 'reading') sent.readings++;
      else if (record.kind === 'duplicate') sent.duplicates++;
      else sent.malformed++;
      if (range === undefined) return;
      range.fromMs = Math.min(range.fromMs, record.tsMs);
      range.toMs = Math.max(range.toMs, record.tsMs);
    };
    const simulate = (startMs: number | undefined, durationMs: number | undefined): Promise<unknown> => {
      const range = { fromMs: Infinity, toMs: -Infinity };
      ranges.push(range);
      return runSimulator({
        connection: options.kafka, topic: config.topicRaw, fleet: sensors, seed: config.demoSeed, intervalMs,
        malformedRate: MALFORMED_RATE, duplicateRate: DUPLICATE_RATE, startMs, durationMs, signal: stopping.signal,
        rawFormat: config.connect ? 'connect-json' : 'json',
        onRecord: onRecord(range),
      });
    };

    observer = new PipelineObserver({ databaseUrl: options.databaseUrl, schema: config.sinkSchema, calibratedConnector: 'kalibra-sink-calibrated', liveFromMs: Date.now(),
      ...(config.connect ? { pollIntervalMs: 250 } : {}) });
    await observer.start();
    const tables = observer;
    const dataFromMs = backfillFrom ?? Date.now();
    replays = new ReplayObserver({
      location: { connection: options.kafka, stateTopic: config.topicReplayState, group: options.env.KALIBRA_GROUP_ID ?? 'kalibra-calibrator', topic: config.topicRaw },
      rows: (window) => tables.replayRows(window, dataFromMs),
    });
    replays.start();
    const watcher = watch(observer, replays, {
      calibrator, rawSink, calibratedSink, children, logsDir, options,
      state: () => ({ phase, liveSinceMs, sent, backfill: backfill === undefined ? undefined : { ...backfill, sent: sent.readings }, replayFromMs: dataFromMs }),
      onChildExit: (error) => { childFailure ??= error; stopping.abort(); },
    });
    try {
      if (backfillFrom !== undefined) {
        say(`back-filling readings since ${new Date(backfillFrom).toISOString()}`);
        // durationMs 0: history up to now, then return; live sending starts just after.
        await simulate(backfillFrom, 0);
        say(`back-fill done: ${sent.readings} readings sent`);
      }
      backfill = undefined;
      phase = 'live';
      liveSinceMs = Date.now();
      say(`live: ${config.liveRate} readings/s from ${SENSORS} sensors${config.liveDuration === undefined ? ' until Ctrl-C' : ` for ${config.liveDuration / 1000} s`}`);
      if (!stopping.signal.aborted) await simulate(undefined, config.liveDuration);
      if (childFailure !== undefined) throw childFailure;
      phase = 'draining';
      const drained = stopping.signal.aborted ? false : await waitDrained(observer, ranges, sent.readings);
      phase = 'stopping';
      const final = await watcher.stop();
      return finish({ ranges, sent, drained, final, intervalMs });
    } finally {
      await watcher.stop();
    }
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    process.off('exit', killAll);
    options.signal.removeEventListener('abort', onAbort);
    await replays?.close();
    await observer?.close();
  }

  function finish(done?: { ranges: SentRange[]; sent: DemoSummary['sent']; drained: boolean; final: DemoState; intervalMs: number }): DemoSummary {
    return {
      seed: config.demoSeed, sensors: SENSORS, intervalMs, malformedRate: MALFORMED_RATE, duplicateRate: DUPLICATE_RATE,
      ranges: (done?.ranges ?? []).filter((r) => Number.isFinite(r.fromMs)),
      sent: done?.sent ?? { readings: 0, duplicates: 0, malformed: 0 },
      rows: done?.final.rows ?? { raw: 0, calibrated: 0 },
      drained: done?.drained ?? false,
      latency: { p50Ms: done?.final.latency.p50Ms, p99Ms: done?.final.latency.p99Ms, samples: done?.final.latency.samples ?? 0 },
      dlqByCode: done?.final.dlqByCode,
      logsDir,
    };
  }
}

/** Waits until every reading sent has a calibrated row (at most DRAIN_TIMEOUT_MS). */
async function waitDrained(observer: PipelineObserver, ranges: readonly SentRange[], readings: number): Promise<boolean> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    let rows = 0;
    for (const r of ranges) if (Number.isFinite(r.fromMs)) rows += await observer.calibratedBetween(r.fromMs, r.toMs);
    if (rows >= readings) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface WatchContext {
  calibrator: DemoChild;
  /** Undefined in Connect mode: Kafka Connect lands the tables. */
  rawSink: DemoChild | undefined;
  calibratedSink: DemoChild | undefined;
  children: readonly DemoChild[];
  logsDir: string;
  options: RunDemoOptions;
  state: () => Pick<DemoState, 'phase' | 'liveSinceMs' | 'sent' | 'backfill' | 'replayFromMs'>;
  onChildExit: (error: DemoError) => void;
}

/** Every second: read the tables and /metrics, draw the view (or a progress line), notice dead children. */
function watch(observer: PipelineObserver, replays: ReplayObserver, context: WatchContext): { stop: () => Promise<DemoState> } {
  const history: { atMs: number; rows: number; sent: number; stages: StageTotals }[] = [];
  let ticks = 0;
  let lastDlq: Record<string, number> | undefined;

  const tick = async (): Promise<DemoState> => {
    const nowMs = Date.now();
    const [tables, calibratorMetrics, rawSinkMetrics, calibratedSinkMetrics] = await Promise.all([
      observer.snapshot(), context.calibrator.metrics(), context.rawSink?.metrics(), context.calibratedSink?.metrics()]);
    // After the table figures, so the replay's rows are at least as fresh as the counts.
    const replay = await replays.snapshot();
    if (calibratorMetrics !== undefined) lastDlq = withoutEmpty(sumByLabel(calibratorMetrics, 'kalibra_dlq_records_total', 'code'));
    const shared = context.state();
    const stages = stageTotals({ rawSink: rawSinkMetrics, calibrator: calibratorMetrics, calibratedSink: calibratedSinkMetrics });
    history.push({ atMs: nowMs, rows: tables.calibratedRows, sent: shared.sent.readings, stages });
    while (history.length > 1 && history[0]!.atMs < nowMs - 5_000) history.shift();
    const first = history[0]!;
    const rate = (now: number, then: number): number | undefined => (nowMs - first.atMs >= 900 ? ((now - then) * 1000) / (nowMs - first.atMs) : undefined);
    const state: DemoState = {
      ...shared,
      sent: { ...shared.sent },
      nowMs,
      rows: { raw: tables.rawRows, calibrated: tables.calibratedRows },
      calibratedPerSecond: rate(tables.calibratedRows, first.rows),
      sentPerSecond: rate(shared.sent.readings, first.sent),
      latency: observer.latency.summary(nowMs),
      stages: stageMeans(stages, first.stages),
      dlqByCode: lastDlq,
      dlqStale: calibratorMetrics === undefined && lastDlq !== undefined,
      rawSinkDlq: rawSinkMetrics === undefined ? undefined : sumAll(rawSinkMetrics, 'kalibra_sink_dead_lettered_total'),
      sensors: tables.sensors,
      children: await Promise.all(context.children.map(async (c) => ({
        name: c.spec.name, port: c.spec.port, state: c.exited ? 'exited' as const : await c.readiness(),
      }))),
      logsDir: context.logsDir,
      replay: replay.replay === undefined ? undefined : {
        epoch: replay.replay.request.epoch, ...replay.replay.window, progress: replay.replay.progress, rows: replay.replay.rows,
      },
      replayProblem: replay.problem,
    };
    const dead = context.children.find((c) => c.exited);
    if (dead !== undefined) context.onChildExit(new DemoError('CHILD_EXITED', `${dead.spec.name} exited (${dead.exitDescription}); see ${dead.spec.logFile}`));
    // After Ctrl-C the screen keeps the last view and the stop messages below it.
    if (!context.options.config.headless) { if (!context.options.signal.aborted) context.options.draw(renderDemoView(state)); }
    else if (ticks++ % 5 === 0) context.options.say(headlessProgress(state));
    return state;
  };

  let running: Promise<unknown> = Promise.resolve();
  let final: Promise<DemoState> | undefined;
  const timer = setInterval(() => { running = running.then(tick).catch(() => undefined); }, 1_000);
  return {
    stop: () => {
      clearInterval(timer);
      // One last look after the last tick, so the summary has the final figures.
      final ??= running.then(tick);
      return final;
    },
  };
}

function withoutEmpty(byCode: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byCode).filter(([code, n]) => code !== '' && n > 0));
}
