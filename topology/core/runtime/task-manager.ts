// TaskManager (after Kafka Streams' TaskManager): the runtime's membership in the consumer
// group and where its partitions stand. It owns the consumer and its group events (rebalance
// notice, join, fencing of our group.instance.id), the record source, the task (TaskDriver),
// and the next offset to process per partition since the source was last opened. rewind() is
// the one place partitions move: the source is reopened, only between transactions (the stream
// thread guarantees that), and then `afterOpen` runs (replay reads its state to the end there).
// It does not commit, decide when to commit, or know about replay beyond that hook.
//
// Rebalances: the client has no callback before partitions are revoked. On the rebalance
// notice it asks for the open transaction to be committed at once (the old generation is still
// valid until the group completes the rebalance); when the group has moved on first (a join
// with a new generation), it asks for a rewind: the open transaction is dropped and the
// partitions are re-read from their committed offsets.
import { CoreError } from '../errors.ts';
import { closeClient, describe, isKafkaError } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import { RecordSource } from './record-source.ts';
import type { RuntimeMessage, SourceStart } from './record-source.ts';
import type { GroupMetadata, OwnedPartition } from './replay-boundary.ts';
import { createRuntimeConsumer } from './runtime-consumer.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';
import type { RuntimeLifecycle } from './runtime-state.ts';
import { TaskDriver } from './task-driver.ts';
import { partitionKey } from './transaction-batch.ts';
import type { TransactionBatch } from './transaction-batch.ts';

export class TaskManager {
  readonly #options: ResolvedRuntimeOptions;
  readonly #lifecycle: RuntimeLifecycle;
  readonly #afterOpen: () => Promise<void>;
  #consumer: RuntimeConsumer | undefined;
  #source: RecordSource | undefined;
  #driver: TaskDriver | undefined;
  #opening = false;
  #rewindNeeded = false;
  /** Set by the rebalance notice: commit the open transaction now, while the generation is valid. */
  commitRequested = false;
  /** The last failed heartbeat, until one succeeds again: the quickest sign that the broker is gone. */
  #heartbeatFailure: { since: number; error: string } | undefined;
  /** `${topic}:${partition}` → the last record taken since the source was last opened (its offset + 1 is next). */
  readonly #positions = new Map<string, RuntimeMessage>();

  constructor(options: ResolvedRuntimeOptions, lifecycle: RuntimeLifecycle, afterOpen: () => Promise<void>) {
    this.#options = options;
    this.#lifecycle = lifecycle;
    this.#afterOpen = afterOpen;
  }

  get consumer(): RuntimeConsumer {
    return this.#consumer!;
  }

  get source(): RecordSource {
    return this.#source!;
  }

  /** Set while heartbeats to the group coordinator fail (since when, and why). */
  get heartbeatFailure(): { since: number; error: string } | undefined {
    return this.#heartbeatFailure;
  }

  /** The partitions must be re-read from their committed offsets before anything else is processed. */
  get rewindNeeded(): boolean {
    return this.#rewindNeeded;
  }

  /** Creates the consumer and the task, and opens the source at the committed offsets (after the producer exists). */
  async start(batch: TransactionBatch): Promise<void> {
    this.#consumer = this.#createConsumer();
    this.#driver = new TaskDriver(this.#options, batch);
    // Back-pressure: fetching pauses at 2 × commitMaxRecords buffered records, and one fetch
    // brings at most fetchMaxBytes (the client's default is 50 MB per partition).
    const o = this.#options;
    this.#source = new RecordSource(this.#consumer, o.taskFactory.sourceTopics, o.commitMaxRecords * 2,
      { maxBytes: o.fetchMaxBytes, maxBytesPerPartition: Math.min(o.fetchMaxBytes, 2 ** 20) });
    await this.#open({ mode: 'committed' });
  }

  /** Runs the task on `message` into `batch`, or, when `skip`, only counts it (its offset still advances). */
  process(message: RuntimeMessage, batch: TransactionBatch, skip: boolean): void {
    if (skip) batch.track(message);
    else this.#driver!.process(message, batch);
    this.#positions.set(partitionKey(message.topic, message.partition), message);
  }

  punctuate(now: number, batch: TransactionBatch): void {
    this.#driver!.punctuate(now, batch);
  }

  /** True for errors after which the runtime must fail (see TaskDriver.isFatal). */
  isFatal(error: unknown): boolean {
    return this.#driver?.isFatal(error) ?? false;
  }

  /** After a failed transaction: re-read from the committed offsets at the next turn. */
  requestRewind(): void {
    this.#rewindNeeded = true;
  }

  /**
   * Reopens the source at `start`. Call it only between transactions. Today it re-reads
   * committed offsets after an abort, a rebalance or a replay's applied transaction.
   */
  async rewind(start: SourceStart): Promise<void> {
    if (this.#lifecycle.state === 'running') this.#lifecycle.setState('rebalancing');
    this.#rewindNeeded = false;
    await this.#open(start);
    this.#lifecycle.setState('running');
  }

  /** A transaction was committed: a rebalance that needed no rewind is over. */
  committed(): void {
    // commitRequested was cleared when this commit started: a notice that came in since still waits for the next.
    // The group accepted our generation: whatever a failed heartbeat said is over (the client
    // stops heartbeating after a failure until it rejoins, so no success event may follow).
    this.#heartbeatFailure = undefined;
    if (this.#lifecycle.state === 'rebalancing' && !this.#rewindNeeded) this.#lifecycle.setState('running');
  }

  /** The partitions this instance owns now, with where each stands (its committed offset at a boundary). */
  async ownedPartitions(): Promise<OwnedPartition[]> {
    const owned: OwnedPartition[] = [];
    const unknown = new Map<string, number[]>();
    for (const { topic, partitions } of this.#consumer!.assignments ?? []) {
      for (const partition of partitions) {
        const last = this.#positions.get(partitionKey(topic, partition));
        const position = last === undefined ? undefined : last.offset + 1n;
        owned.push({ topic, partition, position });
        if (position === undefined) unknown.set(topic, [...(unknown.get(topic) ?? []), partition]);
      }
    }
    if (unknown.size === 0) return owned;
    // Nothing taken from these since the source opened: they stand at their committed offsets.
    const committed = await this.#consumer!.listCommittedOffsets({ topics: [...unknown].map(([topic, partitions]) => ({ topic, partitions })) });
    return owned.map((p) => {
      if (p.position !== undefined) return p;
      const offset = committed.get(p.topic)?.[p.partition];
      return { ...p, position: offset !== undefined && offset >= 0n ? offset : undefined };
    });
  }

  /** The group identity the source's records are committed with (their generation). */
  groupMetadata(): GroupMetadata {
    const consumer = this.#consumer!;
    return { groupId: consumer.groupId, memberId: consumer.memberId, generationId: this.#source!.generation, coordinatorId: consumer.coordinatorId };
  }

  wakeUp(): void {
    this.#source?.wakeUp();
  }

  /** Closes the task (task.close()). */
  closeTask(): void {
    this.#driver?.close();
  }

  async closeSource(): Promise<void> {
    await this.#source?.close();
  }

  /** The consumer is the group member: closing it leaves the group, so the partitions move without a session timeout. */
  async closeConsumer(force: boolean): Promise<void> {
    await closeClient(this.#consumer, force);
  }

  async #open(start: SourceStart): Promise<void> {
    this.#opening = true;
    try {
      this.#positions.clear();
      await this.#source!.open(start);
      await this.#afterOpen();
      this.#heartbeatFailure = undefined;
    } finally {
      this.#opening = false;
    }
    // A generation that changed while opening means the stream may hold stale positions.
    if (this.#consumer!.generationId !== this.#source!.generation) this.#rewindNeeded = true;
  }

  #createConsumer(): RuntimeConsumer {
    const o = this.#options;
    const consumer = createRuntimeConsumer(o);
    consumer.on('consumer:group:rebalance', () => {
      // Commit what is open while the old generation is still valid.
      this.commitRequested = true;
      if (this.#lifecycle.state === 'running') this.#lifecycle.setState('rebalancing');
      this.#source?.wakeUp();
    });
    consumer.on('consumer:group:join', ({ generationId }) => {
      if (this.#opening || this.#source === undefined || generationId === this.#source.generation) return;
      this.#rewindNeeded = true;
      this.#source.wakeUp();
    });
    consumer.on('consumer:heartbeat:end', () => {
      this.#heartbeatFailure = undefined;
    });
    consumer.on('consumer:heartbeat:error', ({ error }) => {
      this.#heartbeatFailure = { since: this.#heartbeatFailure?.since ?? Date.now(), error: describe(error) };
      // Another process joined with our group.instance.id (a second instance with the same
      // instanceId, or our own restart while we were paused): we are the zombie. Fighting
      // back by re-registering the transactional id would only fence the rightful owner.
      if (!isKafkaError(error, 'FENCED_INSTANCE_ID')) return;
      this.#lifecycle.fail(new CoreError('FENCED', `another process joined group '${o.applicationId}' with instanceId '${o.instanceId}'; this one stops`, { cause: error }));
      this.#source?.wakeUp();
    });
    consumer.on('error', (error: unknown) => {
      o.logger.warn('consumer error', { error: describe(error) });
    });
    return consumer;
  }
}
