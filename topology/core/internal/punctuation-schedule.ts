// Wall-clock punctuations of one task: when each is due and what to run. It only keeps
// time; it must never run a callback outside `runDue`, so punctuations happen only when
// the runtime (or the TopologyTestDriver) asks.
import { CoreError } from '../errors.ts';
import type { Cancellable, Punctuator } from '../processor.ts';

interface Entry {
  readonly processorName: string;
  readonly intervalMs: number;
  readonly callback: Punctuator;
  due: number;
  cancelled: boolean;
}

export class PunctuationSchedule {
  private entries: Entry[] = [];

  add(processorName: string, intervalMs: number, callback: Punctuator, now: number): Cancellable {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new CoreError('CONFIG_INVALID', `schedule(intervalMs) of "${processorName}" must be a positive number of milliseconds, got ${String(intervalMs)}`);
    }
    if (typeof callback !== 'function') {
      throw new CoreError('CONFIG_INVALID', `schedule(callback) of "${processorName}" must be a function`);
    }
    const entry: Entry = { processorName, intervalMs, callback, due: now + intervalMs, cancelled: false };
    this.entries.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /**
   * Runs every punctuation due at `now`, earliest first, each at most once; the next due
   * time is the first multiple of the interval after `now`, so missed intervals are skipped.
   * `run` wraps each call (the task uses it to buffer and flush what the callback forwards).
   */
  runDue(now: number, run: (processorName: string, callback: () => void) => void): void {
    this.entries = this.entries.filter((entry) => !entry.cancelled);
    const due = this.entries.filter((entry) => entry.due <= now).sort((a, b) => a.due - b.due);
    for (const entry of due) {
      if (entry.cancelled) continue;
      const missed = Math.floor((now - entry.due) / entry.intervalMs);
      entry.due += (missed + 1) * entry.intervalMs;
      run(entry.processorName, () => entry.callback(now));
    }
  }

  cancelAll(): void {
    for (const entry of this.entries) entry.cancelled = true;
    this.entries = [];
  }
}
