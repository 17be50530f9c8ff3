// StreamThread (after Kafka Streams' StreamThread): the poll/process loop. Each turn it does
// the first thing that is due, in this order: re-read after a rebalance or an abort, recover
// from a dead stream or replay tail, punctuate, apply a replay at the boundary, commit (on the
// rebalance notice, when the batch is big or old enough, or as soon as no record is at hand:
// natural batching, the interval is only an upper bound), wait for records, hold a record the
// gate does not admit yet, or process one. A failure aborts the transaction and is
// classified (kafka-errors.ts): retried from the committed offsets after a back-off, or fatal.
//
// Commits are pipelined: a commit is started and the loop goes on processing the next records
// into a new batch while the broker works on it (yielding to I/O every YIELD_EVERY records so
// the commit's requests and responses move on); the next commit waits for it first. Anything
// that moves partitions, applies a replay, waits for the gate or stops settles it before.
// A failed commit fails the next turn: both batches are dropped and re-read.
// It owns WHEN things happen and the failure count; it does not own the clients, the
// transaction (RecordCollector), the partitions (TaskManager), replay (ReplayCoordinator) or
// the gate (GateAdmission). It never holds a transaction open while waiting for the gate.
//
// Outages: a broker that does not answer, or a replay-state reader that died, is transient
// however long it lasts: abort, back off (up to MAX_BACKOFF_MS), re-open (the replay reader
// too) and read on from the committed offsets. The loss and the recovery are logged once each,
// and `trouble` says what is wrong meanwhile (the runtime's health, for readiness). Only what a
// restart cannot fix fails the runtime: the broker refusing records, repeated fencing by
// another instance with the same id, a FATAL task error.
import { CoreError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import type { GateAdmission } from './gate-admission.ts';
import { isBrokerUnreachable } from '../ops/kafka/broker-unreachable.ts';
import { classifyFailure, describe, transactionError } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import type { RecordCollector } from './record-collector.ts';
import type { SourceStart } from './record-source.ts';
import type { ReplayBoundary, ReplayCoordinator } from './replay-coordinator.ts';
import type { RuntimeLifecycle } from './runtime-state.ts';
import type { TaskManager } from './task-manager.ts';

/** The longest back-off between two attempts to recover; an outage is retried for as long as it lasts. */
const MAX_BACKOFF_MS = 5_000;
/** While a commit is in flight, let I/O run after this many records (the commit is a chain of requests). */
const YIELD_EVERY = 128;

const yieldToIo = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

/** What keeps the stream thread from processing right now, since when (for health checks). */
export interface StreamTrouble {
  since: number;
  failures: number;
  error: string;
}

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
  #trouble: StreamTrouble | undefined;

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
      commit: () => this.#commitAndWait(),
      rewind: () => this.#rewind({ mode: 'committed' }),
    };
  }

  /** Set from a failed attempt until the next successful commit or re-open: what is wrong, since when. */
  get trouble(): StreamTrouble | undefined {
    return this.#trouble;
  }

  /** Runs until stop or failure; then commits what is open (unless failed). */
  async run(): Promise<void> {
    const o = this.#options;
    const lifecycle = this.#lifecycle;
    let lastPunctuation = Date.now();
    let sinceYield = 0;
    const collector = this.#collector;
    while (!lifecycle.stopRequested) {
      const source = this.#tasks.source;
      try {
        // A commit in flight failed: settle throws its error into the recovery below.
        if (collector.commitFailed) await collector.settle();
        // First, so that a failed stream or replay reader is re-opened, not failed on again.
        if (this.#tasks.rewindNeeded) {
          await this.#collector.abandon('rebalance');
          await this.#rewind({ mode: 'committed' });
          continue;
        }
        if (source.failure !== undefined) throw asError(source.failure);
        // A dead replay-state reader is retried like any transient failure (#rewind re-opens it).
        const replayFailure = this.#replay.failure;
        if (replayFailure !== undefined) throw replayFailure;
        const now = Date.now();
        if (now - lastPunctuation >= o.commitIntervalMs) {
          this.#tasks.punctuate(now, this.#collector.batch);
          lastPunctuation = now;
        }
        if (this.#replay.due) {
          await this.#settle();
          await this.#replay.applyAtBoundary(this.#boundary);
          continue;
        }
        const batch = collector.batch;
        if (!batch.empty && (this.#tasks.commitRequested || batch.records >= o.commitMaxRecords || now - batch.startedAt >= o.commitIntervalMs)) {
          await this.#startCommit();
          continue;
        }
        const message = source.take();
        if (message === undefined) {
          // Natural batching: every record at hand is processed, so commit now rather than
          // waiting out the interval; what arrives meanwhile makes the next transaction.
          if (!batch.empty) {
            await this.#startCommit();
            continue;
          }
          if (collector.committing) {
            await this.#settle();
            continue;
          }
          this.#tasks.commitRequested = false;
          await source.wait(o.commitIntervalMs); // woken by the next record
          continue;
        }
        if (!this.#gate.admits(message)) {
          source.putBack(message);
          // Never hold a transaction open while waiting for the gate.
          if (!batch.empty) await this.#commitAndWait();
          else if (collector.committing) await this.#settle();
          else await this.#gate.wait();
          continue;
        }
        this.#tasks.process(message, batch, this.#replay.skips(message));
        if (collector.committing && ++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await yieldToIo();
        }
      } catch (error) {
        await this.#recover(error);
      }
    }
    if (!lifecycle.failed) {
      try {
        await this.#settle();
        if (!this.#collector.batch.empty) await this.#commitAndWait();
      } catch (error) {
        o.logger.warn('the last transaction could not be committed at shutdown; it was aborted', { error: describe(error) });
        o.metrics.transactionAborted('shutdown');
      }
    }
  }

  /** Starts committing the open batch (after the one in flight, if any, settled). */
  async #startCommit(): Promise<void> {
    await this.#settle();
    // This commit answers a rebalance notice received so far.
    this.#tasks.commitRequested = false;
    await this.#collector.startCommit(this.#tasks.consumer);
  }

  /** Waits for the commit in flight, if any; throws its error. */
  async #settle(): Promise<void> {
    if (!this.#collector.committing) return;
    await this.#collector.settle();
    this.#recovered();
    this.#tasks.committed();
  }

  async #commitAndWait(): Promise<void> {
    await this.#startCommit();
    await this.#settle();
  }

  /** The one place that moves partitions, only between transactions (see TaskManager.rewind). */
  async #rewind(start: SourceStart): Promise<void> {
    if (!this.#collector.batch.empty) throw new CoreError('STATE_INVALID', 'rewind with an open transaction');
    await this.#replay.reopenIfFailed();
    await this.#collector.ensureProducer();
    await this.#tasks.rewind(start);
    this.#recovered();
  }

  /** A commit or a re-open worked: an outage is over (logged once). */
  #recovered(): void {
    this.#consecutiveFailures = 0;
    const trouble = this.#trouble;
    if (trouble === undefined) return;
    this.#trouble = undefined;
    this.#options.logger.info('recovered: processing again', { downMs: Date.now() - trouble.since, failures: trouble.failures });
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
    this.#noteTrouble(kind, error);
    // A commit still in flight (the failure came from elsewhere) ends before anything is re-read.
    await this.#collector.settleQuietly();
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
    }
    // Also after a stale generation: the consumer may not have rejoined yet, and re-reading at
    // once would only build another transaction that the broker refuses.
    const backoff = Math.min(MAX_BACKOFF_MS, 200 * 2 ** this.#consecutiveFailures++);
    await this.#lifecycle.sleep(backoff);
    this.#tasks.requestRewind();
  }

  /** The first failure of an outage is a warning with the whole story; the retries that follow are debug lines. */
  #noteTrouble(kind: string, error: unknown): void {
    const o = this.#options;
    const text = describe(error);
    const unreachable = isBrokerUnreachable(error);
    if (this.#trouble === undefined) {
      this.#trouble = { since: Date.now(), failures: 1, error: text };
      o.logger.warn(unreachable ? 'the Kafka broker does not answer; retrying with back-off until it does' : 'transaction aborted; retrying from the committed offsets',
        { kind, brokers: unreachable ? o.brokers.join(',') : undefined, error: text });
      return;
    }
    this.#trouble = { since: this.#trouble.since, failures: this.#trouble.failures + 1, error: text };
    o.logger.debug('transaction aborted again; retrying', { kind, failures: this.#trouble.failures, error: text });
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new CoreError('TRANSACTION_FAILED', `the consumer stream failed: ${String(value)}`, { retryable: true });
}
