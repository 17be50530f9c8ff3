// StreamThread (after Kafka Streams' StreamThread): the poll/process loop. Each turn it does
// the first thing that is due, in this order: fail on a dead stream or replay tail, re-read
// after a rebalance or an abort, punctuate, apply a replay at the boundary, commit (on the
// rebalance notice, when the batch is big or old enough, or as soon as no record is at hand:
// natural batching, the interval is only an upper bound), wait for records, hold a record the
// gate does not admit yet, or process one. A failure aborts the transaction and is
// classified (kafka-errors.ts): retried from the committed offsets after a back-off, or fatal.
// It owns WHEN things happen and the failure count; it does not own the clients, the
// transaction (RecordCollector), the partitions (TaskManager), replay (ReplayCoordinator) or
// the gate (GateAdmission). It never holds a transaction open while waiting for the gate.
import { CoreError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import type { GateAdmission } from './gate-admission.ts';
import { classifyFailure, describe, transactionError } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import type { RecordCollector } from './record-collector.ts';
import type { SourceStart } from './record-source.ts';
import type { ReplayBoundary, ReplayCoordinator } from './replay-coordinator.ts';
import type { RuntimeLifecycle } from './runtime-state.ts';
import type { TaskManager } from './task-manager.ts';

const MAX_CONSECUTIVE_FAILURES = 5;

export interface StreamThreadParts {
  lifecycle: RuntimeLifecycle;
  tasks: TaskManager;
  collector: RecordCollector;
  replay: ReplayCoordinator;
  gate: GateAdmission;
}

export class StreamThread {
  readonly #options: ResolvedRuntimeOptions;
  readonly #lifecycle: RuntimeLifecycle;
  readonly #tasks: TaskManager;
  readonly #collector: RecordCollector;
  readonly #replay: ReplayCoordinator;
  readonly #gate: GateAdmission;
  readonly #boundary: ReplayBoundary;
  #consecutiveFailures = 0;

  constructor(options: ResolvedRuntimeOptions, parts: StreamThreadParts) {
    this.#options = options;
    this.#lifecycle = parts.lifecycle;
    this.#tasks = parts.tasks;
    this.#collector = parts.collector;
    this.#replay = parts.replay;
    this.#gate = parts.gate;
    const collector = this.#collector;
    const tasks = this.#tasks;
    this.#boundary = {
      get batch() { return collector.batch; },
      ownedPartitions: () => tasks.ownedPartitions(),
      groupMetadata: () => tasks.groupMetadata(),
      commit: () => this.#commit(),
      rewind: () => this.#rewind({ mode: 'committed' }),
    };
  }

  /** Runs until stop or failure; then commits what is open (unless failed). */
  async run(): Promise<void> {
    const o = this.#options;
    const lifecycle = this.#lifecycle;
    let lastPunctuation = Date.now();
    while (!lifecycle.stopRequested) {
      const source = this.#tasks.source;
      try {
        if (source.failure !== undefined) throw asError(source.failure);
        const replayFailure = this.#replay.failure;
        if (replayFailure !== undefined) {
          await this.#collector.abandon('failed');
          lifecycle.fail(replayFailure);
          break;
        }
        if (this.#tasks.rewindNeeded) {
          await this.#collector.abandon('rebalance');
          await this.#rewind({ mode: 'committed' });
          continue;
        }
        const now = Date.now();
        if (now - lastPunctuation >= o.commitIntervalMs) {
          this.#tasks.punctuate(now, this.#collector.batch);
          lastPunctuation = now;
        }
        if (this.#replay.due) {
          await this.#replay.applyAtBoundary(this.#boundary);
          continue;
        }
        const batch = this.#collector.batch;
        if (!batch.empty && (this.#tasks.commitRequested || batch.records >= o.commitMaxRecords || now - batch.startedAt >= o.commitIntervalMs)) {
          await this.#commit();
          continue;
        }
        const message = source.take();
        if (message === undefined) {
          // Natural batching: every record at hand is processed, so commit now rather than
          // waiting out the interval; what arrives meanwhile makes the next transaction.
          if (!batch.empty) {
            await this.#commit();
            continue;
          }
          this.#tasks.commitRequested = false;
          await source.wait(o.commitIntervalMs); // woken by the next record
          continue;
        }
        if (!this.#gate.admits(message)) {
          source.putBack(message);
          // Never hold a transaction open while waiting for the gate.
          if (!batch.empty) await this.#commit();
          else await this.#gate.wait();
          continue;
        }
        this.#tasks.process(message, batch, this.#replay.skips(message));
      } catch (error) {
        await this.#recover(error);
      }
    }
    if (!lifecycle.failed && !this.#collector.batch.empty) {
      try {
        await this.#commit();
      } catch (error) {
        o.logger.warn('the last transaction could not be committed at shutdown; it was aborted', { error: describe(error) });
        o.metrics.transactionAborted('shutdown');
      }
    }
  }

  async #commit(): Promise<void> {
    await this.#collector.commit(this.#tasks.consumer);
    this.#consecutiveFailures = 0;
    this.#tasks.committed();
  }

  /** The one place that moves partitions, only between transactions (see TaskManager.rewind). */
  async #rewind(start: SourceStart): Promise<void> {
    if (!this.#collector.batch.empty) throw new CoreError('STATE_INVALID', 'rewind with an open transaction');
    await this.#tasks.rewind(start);
  }

  async #recover(error: unknown): Promise<void> {
    const o = this.#options;
    if (this.#tasks.isFatal(error)) {
      await this.#collector.abandon('failed');
      this.#lifecycle.fail(error as KalibraError);
      return;
    }
    const kind = classifyFailure(error);
    o.metrics.transactionAborted(kind);
    o.logger.warn('transaction aborted', { kind, error: describe(error) });
    this.#collector.discard();
    if (kind === 'records-refused') {
      this.#lifecycle.fail(transactionError(kind, error));
      return;
    }
    if (kind === 'producer-fenced') {
      const failure = await this.#collector.replaceFencedProducer(error);
      if (failure !== undefined) {
        this.#lifecycle.fail(failure);
        return;
      }
    } else if (kind === 'transient' && ++this.#consecutiveFailures > MAX_CONSECUTIVE_FAILURES) {
      this.#lifecycle.fail(transactionError(kind, error));
      return;
    }
    // Also after a stale generation: the consumer may not have rejoined yet, and re-reading at
    // once would only build another transaction that the broker refuses.
    await delay(Math.min(5_000, 200 * 2 ** this.#consecutiveFailures));
    this.#tasks.requestRewind();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new CoreError('TRANSACTION_FAILED', `the consumer stream failed: ${String(value)}`, { retryable: true });
}
