// What one transaction carries: the output records the task emitted and, per source partition,
// the last record processed (its offset + 1 is what gets committed). Pure bookkeeping: no I/O.
// track() runs once per record: it counts runs of records from the same partition (a fetch
// delivers a partition's records together) and files each run once, not each record.
import type { OutputRecord } from '../task.ts';
import type { RuntimeMessage } from './record-source.ts';

const keys = new Map<string, string[]>();

/** `${topic}:${partition}`, the same string object every time (no concatenation per record). */
export function partitionKey(topic: string, partition: number): string {
  let byPartition = keys.get(topic);
  if (byPartition === undefined) keys.set(topic, byPartition = []);
  return byPartition[partition] ??= `${topic}:${partition}`;
}

export class TransactionBatch {
  readonly outputs: OutputRecord[] = [];
  readonly #lastByPartition = new Map<string, RuntimeMessage>();
  readonly #countsByPartition = new Map<string, number>();
  records = 0;
  /** Dead-lettered records by error code. */
  readonly deadLettered = new Map<string, number>();
  /** performance.now() when each record was processed (released by the gate), in track() order. */
  readonly processedAt: number[] = [];
  /** Epoch ms when the first record or output entered the batch; 0 while empty. */
  startedAt = 0;
  /** The run of records from one partition being tracked, filed into the maps by #fileRun(). */
  #run: RuntimeMessage | undefined;
  #runCount = 0;

  get empty(): boolean {
    return this.records === 0 && this.outputs.length === 0;
  }

  /** `${topic}:${partition}` → the last record of that partition in this batch. */
  get lastByPartition(): Map<string, RuntimeMessage> {
    this.#fileRun();
    return this.#lastByPartition;
  }

  /** `${topic}:${partition}` → how many records of that partition this batch holds. */
  get countsByPartition(): Map<string, number> {
    this.#fileRun();
    return this.#countsByPartition;
  }

  /** Marks the batch as started (the commit interval counts from here). */
  touch(): void {
    if (this.startedAt === 0) this.startedAt = Date.now();
  }

  track(message: RuntimeMessage): void {
    if (this.startedAt === 0) this.startedAt = Date.now();
    const run = this.#run;
    if (run !== undefined && (run.partition !== message.partition || run.topic !== message.topic)) this.#fileRun();
    this.#run = message;
    this.#runCount++;
    this.records++;
    this.processedAt.push(performance.now());
  }

  /** Outputs by topic, for the recordsOut metric. */
  outputsByTopic(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const output of this.outputs) counts.set(output.topic, (counts.get(output.topic) ?? 0) + 1);
    return counts;
  }

  #fileRun(): void {
    const run = this.#run;
    if (run === undefined) return;
    const key = partitionKey(run.topic, run.partition);
    this.#lastByPartition.set(key, run);
    this.#countsByPartition.set(key, (this.#countsByPartition.get(key) ?? 0) + this.#runCount);
    this.#run = undefined;
    this.#runCount = 0;
  }
}

/** Splits outputs into sends of at most `maxBytes` (estimated), so no produce request exceeds the broker's limit. */
export function chunkBySize(outputs: readonly OutputRecord[], maxBytes: number): OutputRecord[][] {
  const chunks: OutputRecord[][] = [];
  let current: OutputRecord[] = [];
  let size = 0;
  for (const output of outputs) {
    let bytes = 64 + (output.key?.length ?? 0) + (output.value?.length ?? 0);
    if (output.headers !== undefined) for (const [name, value] of output.headers) bytes += name.length + value.length + 8;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(output);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
