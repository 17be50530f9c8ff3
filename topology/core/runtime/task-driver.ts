// Drives one Task: runs it on each consumed record (toSourceRecord), and collects what
// it emits (outputs and dead letters) into the open batch. Applies the error handler. It never
// does I/O; a FATAL error it throws (see isFatal) means the runtime must fail, not retry.
import { deadLetterRecord } from '../dead-letter.ts';
import { decideOnError } from '../error-handler.ts';
import { CoreError, isKalibraError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import type { OutputRecord, SourceRecord, Task, TaskIO } from '../task.ts';
import { describe } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import { toSourceRecord } from './record-source.ts';
import type { RuntimeMessage } from './record-source.ts';
import type { TransactionBatch } from './transaction-batch.ts';

export class TaskDriver {
  readonly #options: ResolvedRuntimeOptions;
  readonly #task: Task;
  readonly #fatal = new WeakSet<object>();
  /** Where io.send and io.deadLetter write: the batch being filled, and the record in hand. */
  #batch: TransactionBatch;
  #current: SourceRecord | undefined;

  constructor(options: ResolvedRuntimeOptions, batch: TransactionBatch) {
    this.#options = options;
    this.#batch = batch;
    this.#task = options.taskFactory.createTask(this.#io());
  }

  /** True for errors after which the runtime must fail (the handler chose to, or the task broke its contract). */
  isFatal(error: unknown): boolean {
    return typeof error === 'object' && error !== null && this.#fatal.has(error);
  }

  /** Runs the task on `message`, into `batch`. A record that throws is dead-lettered (or fails per handler). */
  process(message: RuntimeMessage, batch: TransactionBatch): void {
    const record = toSourceRecord(message);
    this.#batch = batch;
    this.#current = record;
    const mark = batch.outputs.length;
    try {
      this.#task.process(record);
    } catch (error) {
      if (this.isFatal(error)) throw error;
      // A half-processed record must not leave half of its outputs behind.
      batch.outputs.length = mark;
      const reason = isKalibraError(error) ? error
        : new CoreError('PROCESSING_FAILED', `the task threw while processing ${record.topic}/${record.partition}@${record.offset}: ${describe(error)}`, { cause: error });
      this.#deadLetter(record, reason);
    } finally {
      this.#current = undefined;
    }
    batch.track(message);
  }

  punctuate(now: number, batch: TransactionBatch): void {
    this.#batch = batch;
    try {
      this.#task.punctuate(now);
    } catch (error) {
      throw this.#markFatal(new CoreError('PROCESSING_FAILED', `a punctuation threw: ${describe(error)}`, { cause: error }));
    }
  }

  close(): void {
    this.#task.close();
  }

  #io(): TaskIO {
    return {
      send: (output: OutputRecord) => {
        const timestamp = output.timestamp ?? this.#current?.timestamp ?? BigInt(Date.now());
        const batch = this.#batch;
        batch.touch();
        // A copy (the task may reuse its object), built field by field: one shape for every output.
        batch.outputs.push({ topic: output.topic, key: output.key, value: output.value, headers: output.headers, partition: output.partition, timestamp });
      },
      deadLetter: (source: SourceRecord, error: KalibraError) => this.#deadLetter(source, error),
      now: () => Date.now(),
    };
  }

  #deadLetter(source: SourceRecord, error: KalibraError): void {
    const o = this.#options;
    const where = `${source.topic}/${source.partition}@${source.offset}`;
    if (decideOnError(o.onError, source, error) === 'fail') {
      // The record's own error, unchanged (as the TopologyTestDriver throws it): nothing of the
      // open transaction is committed, so the record is read again after a restart.
      throw this.#markFatal(error);
    }
    if (o.dlqTopic === undefined) {
      throw this.#markFatal(new CoreError('CONFIG_INVALID', `record ${where} was dead-lettered but option 'dlqTopic' is not set`, { cause: error }));
    }
    this.#batch.touch();
    this.#batch.outputs.push(deadLetterRecord(o.dlqTopic, source, error));
    this.#batch.deadLettered.set(error.code, (this.#batch.deadLettered.get(error.code) ?? 0) + 1);
  }

  #markFatal<E extends KalibraError>(error: E): E {
    this.#fatal.add(error);
    return error;
  }
}
