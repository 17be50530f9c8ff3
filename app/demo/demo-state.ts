// What the demo's live view shows, as plain data: the latest reading of every sensor and
// the pipeline's figures. The observer fills it in; demo-view.ts turns it into lines.
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
  state: 'starting' | 'ready' | 'not ready' | 'exited';
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
  /** The calibrator's kalibra_dlq_records_total by code; undefined when /metrics did not answer. */
  dlqByCode: Record<string, number> | undefined;
  /** The raw sink's kalibra_sink_dead_lettered_total (records it could not store). */
  rawSinkDlq: number | undefined;
  sensors: SensorLine[];
  children: ChildLine[];
  logsDir: string;
}
