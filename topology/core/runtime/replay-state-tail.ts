// Keeps one instance's view of the replay-state topic current: a dedicated read_committed
// consumer in a throwaway group (so it sees every partition of the state topic, whoever owns
// the source partitions) tails the log from the start and folds each record per source topic.
// It never writes and never decides anything; the runtime asks it what is pending.
//
// Why a tailing consumer and not a re-read per transaction boundary: a full re-read costs a
// group join (hundreds of ms) and the boundary comes every 100 ms. `catchUp()` gives the
// re-read's guarantee where it matters (after an assignment): it waits until the tail has
// passed the state topic's high watermark, read_committed. Not the last stable offset: a
// transaction's markers reach its partitions one by one, so a new owner can see the previous
// owner's offset commit as stable while the state topic's LSO is still before the applied
// mark of the same transaction. Passing the high watermark read_committed means every
// transaction on the state topic up to the call has been decided and, if committed, folded.
import { randomBytes } from 'node:crypto';
import { FetchIsolationLevels } from '@platformatic/kafka';
import type { MessagesStream } from '@platformatic/kafka';
import { CoreError } from '../errors.ts';
import { decodeState, emptyReplayState, foldState } from '../replay/state.ts';
import type { ReplayStateRecord, ReplayState } from '../replay/state.ts';
import { isBrokerUnreachable } from '../ops/kafka/broker-unreachable.ts';
import { describe } from './kafka-errors.ts';
import { clientConnection } from './options.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import { RuntimeConsumer } from './runtime-consumer.ts';

const CATCH_UP_POLL_MS = 50;

export class ReplayStateTail {
  readonly #options: ResolvedRuntimeOptions;
  readonly #stateTopic: string;
  readonly #states = new Map<string, ReplayState>();
  #consumer: RuntimeConsumer | undefined;
  #stream: MessagesStream<Buffer, Buffer, string, Buffer> | undefined;
  #failure: unknown;
  /** Called after each folded record (the runtime wakes up to look for pending work). */
  onChange: (() => void) | undefined;

  constructor(options: ResolvedRuntimeOptions, stateTopic: string) {
    this.#options = options;
    this.#stateTopic = stateTopic;
    for (const topic of options.taskFactory.sourceTopics) this.#states.set(topic, emptyReplayState());
  }

  /** The folded state of `topic` (a source topic) for this runtime's group. */
  state(topic: string): ReplayState {
    let state = this.#states.get(topic);
    if (state === undefined) {
      state = emptyReplayState();
      this.#states.set(topic, state);
    }
    return state;
  }

  /** Folds a record this instance has just committed itself, so it never waits for its own echo. */
  fold(record: ReplayStateRecord): void {
    const state = this.#states.get(record.topic);
    if (state !== undefined) foldState(state, this.#options.applicationId, record.topic, record);
  }

  /** Starts tailing; fails with a clear CONFIG_INVALID when the state topic does not exist. */
  async start(): Promise<void> {
    const o = this.#options;
    const suffix = randomBytes(4).toString('hex');
    const consumer = new RuntimeConsumer({
      clientId: `${o.connection.clientId ?? o.applicationId}-${o.instanceId}-replay-state`,
      bootstrapBrokers: o.brokers,
      ...clientConnection(o.connection),
      groupId: `${o.applicationId}-replay-state-${o.instanceId}-${suffix}`,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      autocommit: false,
      maxWaitTime: 200,
      stableOffsetsTimeoutMs: o.transactionTimeoutMs * 2 + 10_000,
    });
    this.#consumer = consumer;
    try {
      await this.#endOffsets(FetchIsolationLevels.READ_COMMITTED);
    } catch (error) {
      // No answer is an outage to wait out, not a missing topic.
      if (isBrokerUnreachable(error)) {
        throw new CoreError('TRANSACTION_FAILED', `the replay-state reader cannot reach the broker: ${describe(error)}`, { cause: error, retryable: true });
      }
      throw new CoreError('CONFIG_INVALID',
        `StreamsRuntime option 'replay.stateTopic': the replay-state topic "${this.#stateTopic}" cannot be read (missing? create it with bin/topics apply): ${describe(error)}`,
        { cause: error });
    }
    const stream = await consumer.consume({ topics: [this.#stateTopic], mode: 'earliest', autocommit: false });
    this.#stream = stream;
    stream.on('data', (message) => {
      if (!message.value || message.value.length === 0) return;
      let record: ReplayStateRecord;
      try {
        record = decodeState(message.value);
      } catch (error) {
        // A record we cannot read is someone else's mistake; skipping it can only make a replay
        // not happen (visible in bin/replay's progress), never replay twice.
        o.logger.warn('a replay-state record could not be decoded; skipped', { offset: String(message.offset), error: describe(error) });
        return;
      }
      this.fold(record);
      this.onChange?.();
    });
    stream.on('error', (error: unknown) => {
      this.#failure = error;
      this.onChange?.();
    });
  }

  /** Set when the tail's stream died: the runtime must not process without a current state. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Marks this tail as dead (it could not start), so the runtime tries a fresh one again. */
  fail(error: unknown): void {
    this.#failure ??= error;
  }

  /** Resolves once every transaction written to the state topic before this call is decided and, if committed, folded. */
  async catchUp(timeoutMs: number): Promise<void> {
    let ends: bigint[];
    try {
      ends = await this.#endOffsets(FetchIsolationLevels.READ_UNCOMMITTED);
    } catch (error) {
      throw new CoreError('TRANSACTION_FAILED', `could not list the end of ${this.#stateTopic}: ${describe(error)}`, { cause: error, retryable: true });
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#failure !== undefined) throw new CoreError('TRANSACTION_FAILED', `reading ${this.#stateTopic} failed: ${describe(this.#failure)}`, { cause: this.#failure, retryable: true });
      // The end counts transaction markers, which are never delivered: judge by the next fetch offset.
      const behind = ends.some((end, partition) => end > 0n && (this.#stream?.offsetsToFetch.get(`${this.#stateTopic}:${partition}`) ?? 0n) < end);
      if (!behind) return;
      if (Date.now() > deadline) {
        throw new CoreError('TRANSACTION_FAILED', `the replay state in ${this.#stateTopic} could not be read to its end within ${timeoutMs} ms`, { retryable: true });
      }
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_POLL_MS));
    }
  }

  async close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) {
      stream.removeAllListeners('data');
      stream.on('error', () => undefined);
      await stream.close().catch(() => undefined);
    }
    if (this.#consumer !== undefined) await this.#consumer.close().catch(() => undefined);
    this.#consumer = undefined;
  }

  async #endOffsets(isolationLevel: number): Promise<bigint[]> {
    const ends = await this.#consumer!.listOffsets({ topics: [this.#stateTopic], isolationLevel });
    const byPartition = ends.get(this.#stateTopic);
    if (byPartition === undefined) throw new CoreError('CONFIG_INVALID', `the broker listed no partitions of ${this.#stateTopic}`);
    return byPartition;
  }
}
