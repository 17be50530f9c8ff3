// Reading-to-row latency for the demo: when a calibrated row is first seen (at the calibrated
// sink's commit NOTIFY), how long after its reading's ts was that. Keeps the last window of
// samples and answers p50/p99. Pure: times are passed in. Only readings taken after
// `fromMs` count, so back-filled history (ts long ago) never poses as latency.

import { readingKey } from '../../contract/reading-key.ts';
import type { LatencySummary } from './demo-state.ts';

export interface RowKey {
  sensorId: string;
  tsMs: number;
}

export class LatencyWindow {
  readonly #windowMs: number;
  readonly #fromMs: number;
  /** Keys already measured, so a row is counted once (upserts and re-polls see it again). */
  readonly #seen = new Map<string, number>();
  #samples: { atMs: number; latencyMs: number }[] = [];

  constructor(options: { windowMs: number; fromMs: number }) {
    this.#windowMs = options.windowMs;
    this.#fromMs = options.fromMs;
  }

  /** Earliest reading ts worth asking the database about. */
  since(nowMs: number): number {
    return Math.max(this.#fromMs, nowMs - this.#windowMs);
  }

  /** Rows visible at `observedAtMs`; the ones not seen before become samples. */
  observe(observedAtMs: number, rows: readonly RowKey[]): void {
    for (const { sensorId, tsMs } of rows) {
      if (tsMs < this.#fromMs) continue;
      const key = readingKey(sensorId, tsMs);
      if (this.#seen.has(key)) continue;
      this.#seen.set(key, tsMs);
      this.#samples.push({ atMs: observedAtMs, latencyMs: observedAtMs - tsMs });
    }
    this.#prune(observedAtMs);
  }

  summary(nowMs: number): LatencySummary {
    this.#prune(nowMs);
    const sorted = this.#samples.map((s) => s.latencyMs).sort((a, b) => a - b);
    return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), samples: sorted.length, windowMs: this.#windowMs };
  }

  #prune(nowMs: number): void {
    const cutoff = nowMs - this.#windowMs;
    this.#samples = this.#samples.filter((s) => s.atMs >= cutoff);
    // A key older than the query window cannot come back from since(), so it can be forgotten.
    for (const [key, tsMs] of this.#seen) if (tsMs < cutoff - this.#windowMs) this.#seen.delete(key);
  }
}

/** Nearest-rank percentile of ascending values; undefined when there are none. */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}
