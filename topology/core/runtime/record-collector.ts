// RecordCollector (after Kafka Streams' RecordCollector): owns the runtime's producer and the
// open transaction. What a task emits goes into `batch`; startCommit() hands the batch to the
// committer (exactly_once: one Kafka transaction with the consumed offsets; committer.ts) and
// opens a fresh batch at once, so the stream thread can process the next records while the
// broker works on the commit; settle() waits for that commit and reports it. At most one commit
// is in flight, and nothing of the next batch reaches Kafka before it succeeded: if it fails,
// the caller discards the next batch too and re-reads from the committed offsets.
// abandon()/discard() drop the open batch. After a fencing it registers a new producer, and
// gives up when fencings repeat. It does not decide WHEN to commit (the stream thread does),
// never reads records or moves partitions, and never retries on its own.
import { CoreError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import { atLeastOnceCommitter, exactlyOnceCommitter } from './committer.ts';
import type { Committer } from './committer.ts';
import { isBrokerUnreachable } from '../ops/kafka/broker-unreachable.ts';
import { closeClient, describe } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';
import { createRuntimeProducer } from './runtime-producer.ts';
import type { RuntimeProducer } from './runtime-producer.ts';
import { TransactionBatch } from './transaction-batch.ts';

/** A commit started and not yet settled. */
interface InFlight {
  promise: Promise<void>;
  failed: boolean;
}

/** Producer fencings tolerated per minute before concluding that another process uses this instanceId. */
const MAX_FENCINGS_PER_MINUTE = 3;

export class RecordCollector {
  readonly #options: ResolvedRuntimeOptions;
  readonly #committer: Committer;
  #producer: RuntimeProducer | undefined;
  #batch = new TransactionBatch();
  #fencings: number[] = [];
  #inFlight: InFlight | undefined;
  /** `${topic}:${partition}` → the next offset this instance committed there (for consumer lag). */
  readonly committedNext = new Map<string, bigint>();

  constructor(options: ResolvedRuntimeOptions) {
    this.#options = options;
    this.#committer = options.processingGuarantee === 'exactly_once' ? exactlyOnceCommitter : atLeastOnceCommitter;
  }

  /** The open transaction: what the task has emitted and consumed since the last commit. */
  get batch(): TransactionBatch {
    return this.#batch;
  }

  /**
   * Creates the producer. Under exactly_once this registers the transactional id, which aborts
   * a crashed predecessor's transaction: do it before reading committed offsets.
   */
  async start(): Promise<void> {
    this.#producer = await this.#createProducer();
  }

  /** Commits the open batch and waits for it (startCommit, then settle). */
  async commit(consumer: RuntimeConsumer): Promise<void> {
    await this.startCommit(consumer);
    await this.settle();
  }

  /** A commit is in flight (started, not yet settled). */
  get committing(): boolean {
    return this.#inFlight !== undefined;
  }

  /** The commit in flight has failed: settle() throws its error. */
  get commitFailed(): boolean {
    return this.#inFlight?.failed === true;
  }

  /**
   * Starts committing the open batch (outputs + the consumed offsets, fenced by `consumer`'s
   * generation) and opens a new batch at once. Waits first for a commit still in flight (and
   * throws its error): one transaction at a time.
   */
  async startCommit(consumer: RuntimeConsumer): Promise<void> {
    await this.settle();
    const batch = this.#batch;
    this.#batch = new TransactionBatch();
    this.#options.logger.debug('committing', { records: batch.records, outputs: batch.outputs.length });
    const inFlight: InFlight = { promise: Promise.resolve(), failed: false };
    inFlight.promise = this.#commit(consumer, batch).catch((error: unknown) => {
      inFlight.failed = true;
      throw error;
    });
    inFlight.promise.catch(() => undefined); // observed by settle()
    this.#inFlight = inFlight;
  }

  /** Waits for the commit in flight, if any; throws its error. */
  async settle(): Promise<void> {
    const inFlight = this.#inFlight;
    if (inFlight === undefined) return;
    try {
      await inFlight.promise;
    } finally {
      this.#inFlight = undefined;
    }
  }

  /** Waits for the commit in flight, if any, ignoring its failure (the caller re-reads anyway). */
  async settleQuietly(): Promise<void> {
    await this.settle().catch(() => undefined);
  }

  async #commit(consumer: RuntimeConsumer, batch: TransactionBatch): Promise<void> {
    const started = performance.now();
    await this.#committer.commit(this.#producer!, consumer, batch);
    const committedAt = performance.now();
    const latency = committedAt - started;
    this.#options.logger.debug('committed', { records: batch.records, latencyMs: Math.round(latency) });
    const m = this.#options.metrics;
    m.transactionCommitted(latency, batch.records);
    m.recordsCommitted?.(batch.processedAt.map((at) => committedAt - at));
    for (const [key, count] of batch.countsByPartition) {
      const last = batch.lastByPartition.get(key)!;
      m.recordsIn(last.topic, last.partition, count);
      this.committedNext.set(key, last.offset + 1n);
    }
    for (const [topic, count] of batch.outputsByTopic()) m.recordsOut(topic, count);
    for (const [code, count] of batch.deadLettered) m.deadLettered(code, count);
  }

  /**
   * Drops the open batch, counting it as aborted for `reason`; under exactly_once nothing of it
   * reached Kafka. A commit in flight is waited for first (whether it worked or not, the caller
   * re-reads from the committed offsets).
   */
  async abandon(reason: string): Promise<void> {
    await this.settleQuietly();
    if (!this.#batch.empty) this.#options.metrics.transactionAborted(reason);
    this.discard();
  }

  /** Drops the open batch without counting it (the caller already reported why). */
  discard(): void {
    this.#batch = new TransactionBatch();
  }

  /**
   * After PRODUCER_FENCED: closes the fenced producer and registers a new one. Returns the
   * failure to stop with when fencings repeat (another process with this instanceId) or the
   * new producer cannot be registered; undefined when processing may go on.
   */
  async replaceFencedProducer(error: unknown): Promise<KalibraError | undefined> {
    const now = Date.now();
    this.#fencings = [...this.#fencings.filter((at) => now - at < 60_000), now];
    if (this.#fencings.length > MAX_FENCINGS_PER_MINUTE) {
      return new CoreError('FENCED', `the producer was fenced ${this.#fencings.length} times in a minute: is another process running with instanceId '${this.#options.instanceId}'?`, { cause: error });
    }
    await closeClient(this.#producer, true);
    this.#producer = undefined;
    try {
      await this.ensureProducer();
    } catch (createError) {
      // No broker to register with: an outage, retried at the next re-open (ensureProducer).
      if (isBrokerUnreachable(createError)) return undefined;
      return new CoreError('FENCED', `could not recreate the producer after fencing: ${describe(createError)}`, { cause: createError });
    }
    return undefined;
  }

  /** Creates the producer if the last attempt to replace it failed (the broker did not answer). */
  async ensureProducer(): Promise<void> {
    this.#producer ??= await this.#createProducer();
  }

  async close(force: boolean): Promise<void> {
    await closeClient(this.#producer, force);
  }

  async #createProducer(): Promise<RuntimeProducer> {
    const producer = createRuntimeProducer(this.#options);
    try {
      await this.#committer.prepare(producer);
    } catch (error) {
      await closeClient(producer, true);
      throw error;
    }
    return producer;
  }
}
