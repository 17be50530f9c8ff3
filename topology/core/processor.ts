// The extension point of the DSL, after Kafka Streams' Processor API. The topology owns a
// processor's life: it calls init once, process per record, close once; a processor must
// never keep the context or the records past close, and never do I/O inside process.
import type { RecordMetadata, StreamRecord } from './record.ts';

export interface Cancellable {
  cancel(): void;
}

/** Runs on wall-clock time; `now` is epoch ms. It may forward records. */
export type Punctuator = (now: number) => void;

export interface ProcessorContext<KOut, VOut> {
  /** This processor's node name, as describe() prints it. */
  readonly processorName: string;
  /** The names of the nodes `forward` can reach, in the order they were attached. */
  readonly childNames: readonly string[];
  /**
   * Passes `record` to every child, or only to `childName`. Synchronous: the children have
   * processed it when forward returns. An unknown child name is a PROCESSING_FAILED error.
   */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  /** The source record being processed; undefined inside a punctuation. */
  recordMetadata(): RecordMetadata | undefined;
  /**
   * Calls `callback` every `intervalMs` of wall-clock time, first at now + intervalMs.
   * When the runtime falls behind, missed intervals are skipped, not replayed: a
   * punctuation runs at most once per check (as in Kafka Streams).
   */
  schedule(intervalMs: number, callback: Punctuator): Cancellable;
  /** Wall-clock now, epoch ms (the TopologyTestDriver's clock under test). */
  currentWallClockTime(): number;
}

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  /** Called once before the first record; keep the context to forward and schedule. */
  init?(context: ProcessorContext<KOut, VOut>): void;
  /**
   * Called once per record. Throwing sends the source record to the dead-letter handler:
   * a KalibraError keeps its code, anything else becomes PROCESSING_FAILED.
   */
  process(record: StreamRecord<KIn, VIn>): void;
  /** Called once when the task closes; cancel nothing here, the topology does that. */
  close?(): void;
}

/** Returns a NEW processor on every call: each task gets its own instances. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
