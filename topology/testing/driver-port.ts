// What the test topics need from their TopologyTestDriver: pipe bytes in, take bytes out.
// Kept apart so the topic classes cannot reach the task or the clock directly.
import type { OutputRecord } from '../core/task.ts';

export interface PipedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number | undefined;
  readonly headers: ReadonlyMap<string, Buffer>;
}

export interface DriverPort {
  /** Processes the record synchronously; returns the offset it was given. */
  pipe(record: PipedRecord): bigint;
  /** The oldest record written to `topic` and not yet read, removed from the queue. */
  take(topic: string): OutputRecord | undefined;
  queueSize(topic: string): number;
}
