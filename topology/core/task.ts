// The contract between a topology (what to do with a record) and the runtime (how records
// get in and out of Kafka, exactly once). The DSL compiles a topology into a TaskFactory;
// the runtime and the TopologyTestDriver both drive Tasks through this interface and
// nothing else, so a topology behaves the same under test as on a broker.
// Keys and values are bytes here: serdes belong to the topology, not to the runtime.
import type { KalibraError } from './errors.ts';

/** A record as consumed from a source topic. Never mutated by processors. */
export interface SourceRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Broker or producer timestamp, epoch milliseconds. */
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  /** null is a tombstone. */
  readonly value: Buffer | null;
  readonly headers: ReadonlyMap<string, Buffer>;
}

/** A record a task emits. Partition: explicit, or chosen by the runtime's partitioner from the key. */
export interface OutputRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Map<string, Buffer>;
  partition?: number;
  /** Epoch milliseconds; defaults to the source record's timestamp. */
  timestamp?: bigint;
}

/** What a task may do with the outside world. Every call is part of the current transaction. */
export interface TaskIO {
  /** Emit an output record (inside the open transaction under exactly_once). */
  send(record: OutputRecord): void;
  /**
   * Report that `source` could not be processed. The runtime applies the configured
   * error handler: by default the original bytes go to the DLQ topic in the same
   * transaction with `kalibra.error.*` and `kalibra.source.*` headers; a handler may
   * instead choose to fail the runtime.
   */
  deadLetter(source: SourceRecord, error: KalibraError): void;
  /** Wall-clock now, epoch ms (controllable in the TopologyTestDriver). */
  now(): number;
}

/** One topology instance processing the partitions assigned to this runtime. */
export interface Task {
  /** Process one record. Synchronous on purpose: I/O belongs at the edges. */
  process(record: SourceRecord): void;
  /** Run every wall-clock punctuation that is due at `now` (epoch ms). */
  punctuate(now: number): void;
  close(): void;
}

export interface TaskFactory {
  /** Topics this topology reads. */
  readonly sourceTopics: readonly string[];
  /** Topics this topology may write (static ones; dynamic `to()` topics are resolved per record). */
  readonly sinkTopics: readonly string[];
  createTask(io: TaskIO): Task;
}
