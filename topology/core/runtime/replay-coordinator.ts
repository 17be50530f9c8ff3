// Online replay (option `replay`), everything the runtime does for it, behind one collaborator:
// tailing the replay-state topic (replay-state-tail.ts), knowing when a transaction boundary
// has a request to apply, applying it there (the ReplayApplied mark and the rewound offset in
// the open transaction, then a re-read from the committed offsets), deciding per record whether
// it lies in an applied window and is skipped (replay-boundary.ts), and reading the state to its
// end after every (re)open of the source, so a new owner never processes before it knows the
// marks. Without the option every method is a no-op. It owns no client but the tail's, and
// commits or moves partitions only through the ReplayBoundary the stream thread hands it.
import { CoreError } from '../errors.ts';
import { pendingFor } from '../replay/state.ts';
import { describe } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import { toSourceRecord } from './record-source.ts';
import type { RuntimeMessage } from './record-source.ts';
import { appliedRecord, dueReplays, offsetCommitMarker, skippedByReplay } from './replay-boundary.ts';
import type { GroupMetadata, OwnedPartition } from './replay-boundary.ts';
import type { ReplayState } from '../replay/state.ts';
import { ReplayStateTail } from './replay-state-tail.ts';
import type { TransactionBatch } from './transaction-batch.ts';

/** What a transaction boundary offers replay: the open batch, where partitions stand, commit and re-read. */
export interface ReplayBoundary {
  readonly batch: TransactionBatch;
  ownedPartitions(): Promise<OwnedPartition[]>;
  groupMetadata(): GroupMetadata;
  commit(): Promise<void>;
  /** Re-reads every partition from its committed offset (only between transactions). */
  rewind(): Promise<void>;
}

export class ReplayCoordinator {
  readonly #options: ResolvedRuntimeOptions;
  #tail: ReplayStateTail | undefined;
  #wakeUp: () => void = () => undefined;
  /** Whether the next boundary should look for pending requests. */
  #due = false;

  constructor(options: ResolvedRuntimeOptions) {
    this.#options = options;
    this.#tail = options.replay === undefined ? undefined : new ReplayStateTail(options, options.replay.stateTopic);
  }

  /**
   * Starts tailing the state topic, before anything else: a missing state topic is a
   * configuration error, returned as such (CONFIG_INVALID). `wakeUp` is called on every change.
   */
  async start(wakeUp: () => void): Promise<CoreError | undefined> {
    const tail = this.#tail;
    if (tail === undefined) return undefined;
    this.#wakeUp = wakeUp;
    try {
      await this.#startTail(tail);
    } catch (error) {
      return error instanceof CoreError ? error : new CoreError('CONFIG_INVALID', describe(error), { cause: error });
    }
    return undefined;
  }

  /**
   * After the tail died (a broker outage): a fresh tail, read from the start again. Throws a
   * retryable error while the broker does not answer; the stream thread backs off and retries.
   * afterOpen() then reads it to the end before anything is processed.
   */
  async reopenIfFailed(): Promise<void> {
    const failed = this.#tail;
    if (failed === undefined || failed.failure === undefined) return;
    await failed.close();
    const tail = new ReplayStateTail(this.#options, this.#options.replay!.stateTopic);
    this.#tail = tail;
    try {
      await this.#startTail(tail);
    } catch (error) {
      tail.fail(error);
      throw error;
    }
    this.#options.logger.info('the replay-state reader is reading again');
  }

  async #startTail(tail: ReplayStateTail): Promise<void> {
    await tail.start();
    tail.onChange = () => {
      this.#due = true;
      this.#wakeUp();
    };
  }

  /** The current replay state of a source topic, for the replay-progress metric; undefined without the `replay` option. */
  get stateOf(): ((topic: string) => ReplayState) | undefined {
    return this.#tail === undefined ? undefined : (topic) => this.#tail!.state(topic);
  }

  /** Set when the tail died: processing on without a current replay state could skip records it must not (retryable: reopenIfFailed). */
  get failure(): CoreError | undefined {
    const failure = this.#tail?.failure;
    if (failure === undefined) return undefined;
    return new CoreError('TRANSACTION_FAILED', `the replay-state reader failed: ${describe(failure)}`, { cause: failure, retryable: true });
  }

  /** A boundary should look for pending requests (applyAtBoundary). */
  get due(): boolean {
    return this.#due;
  }

  /** True when `message` lies in an applied window and is not selected: it is only counted, not processed. */
  skips(message: RuntimeMessage): boolean {
    const tail = this.#tail;
    if (tail === undefined) return false;
    return skippedByReplay(tail.state(message.topic), toSourceRecord(message), this.#options.replay?.selects);
  }

  /**
   * After every (re)open of the source: the previous owner's last applied mark is committed
   * with the offsets the source has just read, so read the state to its end before processing.
   */
  async afterOpen(): Promise<void> {
    if (this.#tail === undefined) return;
    await this.#tail.catchUp(this.#options.transactionTimeoutMs * 2 + 10_000);
    this.#due = true;
  }

  /**
   * The replay boundary: for each owned partition whose replay request is not applied yet, the
   * applied mark goes into the open transaction together with the partition's committed
   * offset set back to the replay's start; once that commits, the partitions are re-read from
   * the committed offsets. One transaction, so a crash can never leave the mark without the
   * offset or the offset without the mark.
   */
  async applyAtBoundary(boundary: ReplayBoundary): Promise<void> {
    this.#due = false;
    const tail = this.#tail!;
    // The common case (no request, or applied everywhere) costs no round trip.
    const anyPending = this.#options.taskFactory.sourceTopics.some((topic) => {
      const state = tail.state(topic);
      return state.request?.partitions.some((target) => pendingFor(state, target.partition)) ?? false;
    });
    if (!anyPending) return;
    const owned = await boundary.ownedPartitions();
    const due = dueReplays(this.#options.applicationId, (topic) => tail.state(topic), owned);
    if (due.length === 0) return;
    const batch = boundary.batch;
    const group = boundary.groupMetadata();
    for (const { applied, rewinds } of due) {
      batch.touch();
      batch.outputs.push(appliedRecord(this.#options.replay!.stateTopic, applied));
      if (rewinds) {
        batch.lastByPartition.set(`${applied.topic}:${applied.partition}`,
          offsetCommitMarker(applied.topic, applied.partition, applied.fromOffset, group));
      }
    }
    this.#options.logger.info('applying replay', {
      epoch: due[0]!.applied.epoch,
      partitions: due.map(({ applied, rewinds }) => `${applied.topic}/${applied.partition}: ${rewinds ? `${applied.resumeAt} -> ${applied.fromOffset}` : 'not reached yet'}`),
    });
    await boundary.commit();
    for (const { applied } of due) tail.fold(applied);
    if (due.some((d) => d.rewinds)) await boundary.rewind();
  }

  async close(): Promise<void> {
    await this.#tail?.close();
  }
}
