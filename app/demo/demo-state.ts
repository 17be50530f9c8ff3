// What the demo's live view shows, as plain data: the latest reading of every sensor and
// the pipeline's figures. The observer fills it in; demo-view.ts turns it into lines.
import type { ReplayProgress } from '../../topology/index.ts';
import type { StageName } from './stage-latency.ts';

export interface SensorLine {
  sensorId: string;
  /** Latest row of raw_readings. */
  raw?: { tsMs: number; value: number | null; unit: string | null };
  /** Latest row of calibrated_readings. */
  calibrated?: { tsMs: number; rawValue: number | null; value: number | null; unit: string | null; status: string | null; profile: string | null };
}

export interface LatencySummary {
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  /** Live readings measured in the window. */
  samples: number;
  windowMs: number;
}

export interface ChildLine {
  name: string;
  port: number;
  /** busy: /readyz did not answer within 1 s (the process is working hard, e.g. on a back-fill). */
  state: 'starting' | 'ready' | 'not ready' | 'busy' | 'exited';
}

/** What a replay did to calibrated_readings, from one query (PipelineObserver.replayRows). */
export interface ReplayRows {
  /** Rows in the replay's window calibrated since the request: rewritten by it. */
  rewritten: number;
  /** Rows in the window not calibrated since: still to rewrite (or skipped, if the replay is done). */
  pending: number;
  /** Rows of this demo run older than the window: a replay from later leaves them on their old profile. */
  before: number;
  /** The profile versions the rewritten rows now carry, most rows first. */
  byProfile: { profile: string | null; rows: number }[];
}

/** The group's latest replay, as the view shows it. */
export interface ReplayLine {
  epoch: number;
  requestedAtMs: number;
  fromMs: number;
  /** End of the window: --to, or the request's time. */
  toMs: number;
  sensors: string[] | null;
  progress: ReplayProgress | undefined;
  rows: ReplayRows | undefined;
}

export type DemoPhase = 'starting' | 'back-fill' | 'live' | 'draining' | 'stopping';

export interface DemoState {
  nowMs: number;
  phase: DemoPhase;
  /** When live sending began (undefined before). */
  liveSinceMs: number | undefined;
  sent: { readings: number; duplicates: number; malformed: number };
  rows: { raw: number; calibrated: number };
  /** New calibrated rows per second, over the last few seconds. */
  calibratedPerSecond: number | undefined;
  /** Readings the simulator sent per second over the same seconds, to compare with. */
  sentPerSecond: number | undefined;
  latency: LatencySummary;
  /** Mean ms per record in each stage over the same seconds, from the processes' histograms (stage-latency.ts). */
  stages?: Partial<Record<StageName, number>>;
  /** The calibrator's kalibra_dlq_records_total by code; undefined when /metrics never answered yet. */
  dlqByCode: Record<string, number> | undefined;
  /** /metrics did not answer this time: dlqByCode is the last figure seen. */
  dlqStale?: boolean;
  /** The raw sink's kalibra_sink_dead_lettered_total (records it could not store). */
  rawSinkDlq: number | undefined;
  sensors: SensorLine[];
  children: ChildLine[];
  logsDir: string;
  /** The back-fill while it runs: readings sent of about how many. */
  backfill?: { sent: number; expected: number; fromMs: number };
  /** The calibrator group's latest replay; undefined when none was ever requested. */
  replay?: ReplayLine;
  /** Why the replay line cannot be shown (the state topic did not answer). */
  replayProblem?: string;
  /** The replay that covers every row this demo run wrote (its back-fill start), for the hint line. */
  replayFromMs?: number;
}
