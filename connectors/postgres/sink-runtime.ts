// The sink: consumes one topic read_committed in a consumer group and commits records to
// Postgres in batches, each in one transaction together with the partitions' next offsets
// (commit-batch.ts). Batching is natural and pipelined: a batch is written as soon as there
// are records and the previous write has finished, and while one write is in flight the next
// batch is being built (records taken, mapped and COPY-encoded as they arrive), so it grows (up
// to batchSize) only while the previous one is in flight and is ready to go the moment that
// write commits. An idle sink writes a single record at once, never waiting for a linger or a
// tick. One write at a time: the next batch's compare-and-set expects what the previous one
// stored, so order per partition holds. Postgres, not Kafka, is where it resumes
// from: on every assignment, and after losing a compare-and-set, it re-reads the stored
// offsets and reopens its record source there (the runtime's RecordSource, the one way to
// move a partition; messages become SourceRecords through toSourceRecord). Kafka offsets
// are committed afterwards only so lag shows up in the usual tools. Never drops a record:
// outages are retried with backoff (not ready meanwhile); unmappable records and rows
// Postgres refuses are stored as dead letters with the batch and published to the DLQ
// exactly once (dead-letter-producer.ts).
import { FetchIsolationLevels } from '@platformatic/kafka';
import { contiguousFetchResponses, isKafkaError, RecordSource, RuntimeConsumer, sourceDeserializers, toSourceRecord } from '../../topology/index.ts';
import type { SourceRecord } from '../../topology/index.ts';
import { brokerUnreachableMessage, isBrokerUnreachable } from '../../topology/core/ops/index.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { DatabaseRunner } from './database-runner.ts';
import { BatchBuilder } from './batch.ts';
import type { WriteBatch } from './batch.ts';
import { commitBatch } from './commit-batch.ts';
import { DeadLetterPublisher } from './dead-letter-producer.ts';
import { InsertFastPath } from './insert-fast-path.ts';
import { SinkError } from './errors.ts';
import { migrate } from './migrate.ts';
import { readStoredOffsets } from './offsets-store.ts';
import type { OffsetsKey } from './offsets-store.ts';
import { resolveSinkOptions } from './sink-options.ts';
import type { ResolvedSinkOptions, SinkOptions } from './sink-options.ts';

const SHUTDOWN_BUDGET_MS = 8_000;
const FETCH_MAX_BYTES = 2 * 1024 * 1024;
const FETCH_MAX_BYTES_PER_PARTITION = 512 * 1024;
/**
 * How long an idle fetch waits at the broker. Records do not wait for it: with minBytes 1 the
 * broker answers as soon as anything arrives; it only bounds how often an idle sink polls.
 */
const FETCH_MAX_WAIT_MS = 500;

export class PostgresSink {
  readonly #o: ResolvedSinkOptions;
  readonly #key: OffsetsKey;
  readonly #db: DatabaseRunner;
  /**
   * The runtime's consumer, not the client's plain one: it drops every aborted transaction of a
   * fetch (the plain one keeps only the last per producer, so earlier aborted records would
   * reach Postgres), and when another process joins with this instance id it leaves instead of
   * fencing the newcomer back (then this sink fails with FENCED).
   */
  readonly #consumer: RuntimeConsumer;
  /** The consumer's stream; reopened at the stored offsets on every reposition, dropping what the old one buffered. */
  readonly #source: RecordSource;
  readonly #dlq: DeadLetterPublisher;
  readonly #abort = new AbortController();
  /** Bumped on every (re)assignment: a batch taken in an older one does not move what this one expects. */
  #epoch = 0;
  /** The next batch, mapped and encoded as records are taken from the source (at most batchSize records). */
  readonly #builder: BatchBuilder;
  /** The records in the builder, in order, for the metrics. */
  #taken: SourceRecord[] = [];
  /** performance.now() when each record in the builder was taken from the source (for the stage latency). */
  #takenAt: number[] = [];
  /** The write in flight (at most one); settles without rejecting, its failure kept in #writeFailure. */
  #writing: Promise<void> | undefined;
  #writeFailure: { error: unknown } | undefined;
  readonly #insertFastPath = new InsertFastPath();
  /** partition → the next offset this epoch's stream should deliver (duplicates below it are dropped). */
  #nextExpected = new Map<number, bigint>();
  /** partition → next_offset as last seen in Postgres: the compare-and-set's expected value. */
  #stored = new Map<number, bigint>();
  #assigned: number[] = [];
  #repositionNeeded = true;
  #rejoinNeeded = false;
  #stopping: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  #fail: (error: SinkError) => void = () => undefined;
  /** Resolves when the sink stopped for good because of an error (FENCED); never rejects. */
  readonly failed: Promise<SinkError> = new Promise((resolve) => { this.#fail = resolve; });

  constructor(options: SinkOptions) {
    this.#o = resolveSinkOptions(options);
    const o = this.#o;
    this.#key = { schema: o.schema, connector: o.connector, topic: o.topic };
    // The COPY method writes the encoded text; only unnest needs the rows themselves.
    this.#builder = new BatchBuilder(o.mapping, { keepRows: o.writeMethod !== 'copy' });
    this.#db = new DatabaseRunner({ databaseUrl: o.databaseUrl, logger: o.logger, metrics: o.metrics, signal: this.#abort.signal });
    // Fetch responses decoded from one buffer (the client's own decoding walks every socket
    // chunk per read: a quarter of the runtime's CPU profile; topology/core/client-workarounds.ts).
    this.#consumer = contiguousFetchResponses(new RuntimeConsumer({
      ...o.kafka, groupId: o.groupId, isolationLevel: FetchIsolationLevels.READ_COMMITTED, autocommit: false,
      sessionTimeout: o.sessionTimeoutMs, heartbeatInterval: Math.max(500, Math.floor(o.sessionTimeoutMs / 10)),
      rebalanceTimeout: o.sessionTimeoutMs * 2, maxWaitTime: FETCH_MAX_WAIT_MS, minBytes: 1,
      ...(o.instanceId === undefined ? {} : { groupInstanceId: o.instanceId }),
      deserializers: sourceDeserializers,
      // Offsets come from Postgres (mode 'manual'); committed ones are only read as a fallback.
      stableOffsetsTimeoutMs: o.sessionTimeoutMs * 2,
    }));
    // Small fetches keep partitions interleaved (a fetch is pushed whole, whatever the
    // stream's highWaterMark) and bound what is held in memory beyond one batch.
    this.#source = new RecordSource(this.#consumer, [o.topic], o.batchSize,
      { maxBytes: FETCH_MAX_BYTES, maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION });
    this.#consumer.on('consumer:group:join', () => { this.#onAssignment(); });
    this.#consumer.on('consumer:heartbeat:error', ({ error }) => {
      if (!isKafkaError(error, 'FENCED_INSTANCE_ID')) return;
      // Another process joined with our instance id (a second replica with the same id, or our
      // replacement while we were paused): that one owns the partitions now. The consumer has
      // already left the group; rejoining would fence the newcomer back, so this sink stops.
      const fenced = new SinkError('FENCED',
        `another process joined group '${o.groupId}' with instance id '${o.instanceId ?? ''}'; this sink stops`, { cause: error });
      o.logger.error('fenced by another member with the same instance id; stopping', { error: fenced.message });
      this.#fail(fenced);
      void this.stop().catch(() => undefined);
    });
    this.#consumer.on('error', (error: Error) => {
      o.logger.error('consumer group membership failed; rejoining', { error: error.message });
      this.#rejoinNeeded = true;
      this.#onAssignment();
    });
    this.#dlq = new DeadLetterPublisher({
      kafka: o.kafka, dlqTopic: o.dlqTopic, key: this.#key, groupId: o.groupId, db: this.#db, logger: o.logger,
      signal: this.#abort.signal, active: () => this.#assigned.includes(0),
    });
  }

  /** Applies migrations and joins the group (each retried until it works or stop() is called), starts consuming. */
  async start(): Promise<void> {
    await this.#db.run('migrate', async (client) => { await migrate(client, this.#o.schema); });
    // Tracked once for the sink's lifetime, so reopening the stream never triggers a rejoin.
    this.#consumer.topics.track(this.#o.topic);
    // Kafka unreachable at start is waited out like Postgres (not ready meanwhile), not a crash loop.
    for (let attempt = 0; !this.#stoppingNow; attempt++) {
      try {
        await this.#consumer.joinGroup({});
        break;
      } catch (error) {
        if (attempt === 0 && isBrokerUnreachable(error)) this.#o.logger.warn(`${brokerUnreachableMessage(this.#o.kafka.bootstrapBrokers, error)}; waiting for it (not ready meanwhile)`);
        this.#o.logger.warn('cannot join the consumer group; retrying', { attempt, error: (error as Error).message });
        await sleep(backoffDelay(attempt), this.#abort.signal);
      }
    }
    if (this.#stoppingNow) return;
    this.#lagTimer = setInterval(() => { void this.#reportLag(); }, 5_000);
    this.#lagTimer.unref();
    this.#loop = this.#run();
    this.#dlq.start();
  }

  /** Consuming, assigned and able to reach Postgres. */
  get ready(): boolean {
    return this.#stopping === undefined && this.#source.opened && !this.#repositionNeeded && this.#db.healthy;
  }

  /** False once stopping; every failure short of that is retried, so there is no other unhealthy state. */
  get healthy(): boolean {
    return this.#stopping === undefined;
  }

  /** Finishes or rolls back the open batch, leaves the group, closes everything. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#abort.abort();
    this.#wakeUp();
    clearInterval(this.#lagTimer);
    const closing = (async () => {
      await this.#loop?.catch(() => undefined);
      await this.#source.close();
      await this.#consumer.close().catch((error: Error) => {
        this.#o.logger.warn('leaving the consumer group failed', { error: error.message });
      });
      await this.#dlq.close().catch(() => undefined);
      await this.#db.end().catch(() => undefined);
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => { resolve('timeout'); }, SHUTDOWN_BUDGET_MS); });
    const outcome = await Promise.race([closing.then(() => 'closed' as const), timeout]);
    clearTimeout(timer);
    this.#o.metrics?.ready.set(0);
    if (outcome === 'timeout') {
      throw new SinkError('SHUTDOWN_TIMEOUT', `sink did not shut down within ${SHUTDOWN_BUDGET_MS} ms`);
    }
  }

  #onAssignment(): void {
    this.#epoch += 1;
    this.#clearBuffer();
    this.#repositionNeeded = true;
    this.#wakeUp();
  }

  #wakeUp(): void {
    this.#source.wakeUp();
  }

  get #stoppingNow(): boolean {
    return this.#abort.signal.aborted;
  }

  async #run(): Promise<void> {
    let failures = 0;
    try {
      while (!this.#stoppingNow) {
        try {
          if (this.#rejoinNeeded || this.#repositionNeeded) {
            // Nothing moves under a write in flight: it commits (or not) first, then the stored offsets are re-read.
            await this.#writing;
            this.#throwWriteFailure();
            if (this.#rejoinNeeded) {
              await this.#consumer.joinGroup({}); // stays needed (and is retried) if this throws
              this.#rejoinNeeded = false;
            }
            if (this.#repositionNeeded) await this.#reposition();
          } else {
            await this.#step();
          }
          failures = 0;
        } catch (error) {
          // Nothing was committed by a failed step; it is retried from Postgres's offsets.
          this.#o.logger.error('sink step failed; retrying', { error: (error as Error).message });
          this.#repositionNeeded = true;
          await sleep(backoffDelay(failures++), this.#abort.signal);
        }
        this.#o.metrics?.ready.set(this.ready ? 1 : 0);
      }
    } finally {
      await this.#writing; // the open batch finishes or rolls back
    }
  }

  #throwWriteFailure(): void {
    const failure = this.#writeFailure;
    this.#writeFailure = undefined;
    if (failure !== undefined) throw failure.error;
  }

  /**
   * One turn of the pipeline. Takes what the source has into the next batch (mapping and
   * encoding it now, while the previous batch is being written); starts writing it as soon as
   * no write is in flight and there is a record (or offsets to move past transaction markers).
   * Waits only when there is nothing to do: for a record (or the write in flight, which wakes
   * the source when it settles), or every idleCheckMs on an idle sink, to store offsets past
   * transaction markers, which arrive without a record. Never waits for a linger.
   */
  async #step(): Promise<void> {
    this.#throwWriteFailure();
    const failure = this.#source.failure;
    if (failure !== undefined) {
      this.#o.logger.warn('consumer stream failed; reopening from stored offsets', { error: (failure as Error).message });
      this.#repositionNeeded = true;
      return;
    }
    this.#takeRecords();
    if (this.#writing !== undefined) {
      // Full: nothing more to take until the write in flight commits.
      if (this.#builder.size >= this.#o.batchSize) await this.#writing;
      else await this.#source.wait(this.#o.idleCheckMs);
      return;
    }
    if (this.#builder.size > 0 || this.#drainedPositions().size > 0) {
      this.#startWrite();
      return;
    }
    await this.#source.wait(this.#o.idleCheckMs);
  }

  /** Re-reads the stored offsets of the assigned partitions and reopens the source there. */
  async #reposition(): Promise<void> {
    this.#repositionNeeded = false;
    const epoch = ++this.#epoch;
    this.#clearBuffer();
    this.#nextExpected.clear();
    const partitions = this.#consumer.assignments?.find((a) => a.topic === this.#o.topic)?.partitions ?? [];
    const stored = await this.#db.run('read offsets', (client) => readStoredOffsets(client, this.#key));
    if (stored === undefined || this.#repositionNeeded || epoch !== this.#epoch) return;
    this.#assigned = [...partitions].sort((a, b) => a - b);
    this.#stored = new Map([...stored].filter(([partition]) => partitions.includes(partition)));
    const offsets = [...this.#stored].map(([partition, offset]) => ({ topic: this.#o.topic, partition, offset }));
    // Partitions without a stored offset start at the earliest one.
    await this.#source.open({ mode: 'manual', offsets });
    this.#o.logger.info('resuming from stored offsets', {
      epoch, partitions: this.#assigned, offsets: Object.fromEntries([...this.#stored].map(([p, o]) => [p, o.toString()])),
    });
  }

  #clearBuffer(): void {
    this.#builder.clear();
    this.#taken = [];
    this.#takenAt = [];
  }

  /** Moves records from the source into the next batch, up to batchSize, dropping any below what is expected. */
  #takeRecords(): void {
    const now = performance.now();
    while (this.#builder.size < this.#o.batchSize) {
      const message = this.#source.take();
      if (message === undefined) return;
      const partition = message.partition;
      if (message.offset < (this.#nextExpected.get(partition) ?? this.#stored.get(partition) ?? 0n)) continue;
      this.#nextExpected.set(partition, message.offset + 1n);
      const record = toSourceRecord(message);
      this.#builder.add(record);
      this.#taken.push(record);
      this.#takenAt.push(now);
    }
  }

  /**
   * When every delivered record has been taken, the source's fetch position may be past the
   * last record (transaction markers, aborted records): those offsets can be stored too,
   * so the stored offset reaches the end offset and the gate admits everything committed.
   */
  #drainedPositions(): Map<number, bigint> {
    const positions = new Map<number, bigint>();
    if (this.#builder.size > 0) return positions;
    for (const partition of this.#assigned) {
      const position = this.#source.fetchPosition(this.#o.topic, partition);
      const floor = this.#nextExpected.get(partition) ?? this.#stored.get(partition) ?? -1n;
      if (position !== undefined && position >= floor && position > (this.#stored.get(partition) ?? -1n)) {
        positions.set(partition, position);
      }
    }
    return positions;
  }

  /** Seals the next batch and starts writing it; the loop goes on building the one after. */
  #startWrite(): void {
    const epoch = this.#epoch;
    const batch = this.#builder.seal();
    const records = this.#taken;
    const takenAt = this.#takenAt;
    this.#taken = [];
    this.#takenAt = [];
    // The builder is empty now: if the source is drained too, its positions are where this batch ends.
    const advanceTo = new Map(batch.nextOffsets);
    for (const [partition, position] of this.#drainedPositions()) {
      if (position > (advanceTo.get(partition) ?? -1n)) advanceTo.set(partition, position);
    }
    this.#writing = this.#write(epoch, batch, advanceTo, records, takenAt)
      .catch((error: unknown) => { this.#writeFailure = { error }; })
      .finally(() => {
        this.#writing = undefined;
        this.#source.wakeUp();
      });
  }

  async #write(epoch: number, batch: WriteBatch, advanceTo: Map<number, bigint>, records: SourceRecord[], takenAt: number[]): Promise<void> {
    // Read when the write starts, not when the batch was built: the previous write has committed by now.
    const expected = new Map(this.#stored);
    const insertFirst = this.#o.writeMethod === 'copy' && this.#insertFastPath.next();
    const started = performance.now();
    let committed: Awaited<ReturnType<typeof commitBatch>> | undefined;
    try {
      committed = await this.#db.run('commit batch', (client) => commitBatch(client, {
        key: this.#key, mapping: this.#o.mapping, method: this.#o.writeMethod, expected, advanceTo, batch, insertFirst,
      }));
    } catch (error) {
      if (!(error instanceof SinkError && error.code === 'OFFSET_CONFLICT')) throw error;
      this.#o.metrics?.offsetConflicts.inc();
      this.#o.logger.warn('offset compare-and-set lost; batch rolled back, resuming from stored offsets', { error: error.message });
      if (epoch === this.#epoch) this.#onAssignment();
      return;
    }
    if (committed === undefined) return; // stopping: the transaction was rolled back
    const { stored, deadLetters, written } = committed;
    if (insertFirst) this.#insertFastPath.record(written);
    if (deadLetters.length > 0) this.#dlq.wakeUp();
    const committedAt = performance.now();
    const latencyMs = committedAt - started;
    if (epoch === this.#epoch) for (const [partition, next] of stored) this.#stored.set(partition, next);
    this.#reportBatch(records, deadLetters.map((d) => d.error.code), stored, latencyMs, written);
    this.#o.metrics?.recordsLatency(records, takenAt, committedAt, Date.now());
    // Only for monitoring (lag in the usual tools); Postgres is the source of truth.
    const commits = [...stored].map(([partition, offset]) => ({ topic: this.#o.topic, partition, offset, leaderEpoch: -1 }));
    if (commits.length > 0 && epoch === this.#epoch) {
      this.#consumer.commit({ offsets: commits }).catch((error: Error) => {
        this.#o.logger.debug('kafka offset commit (monitoring only) failed', { error: error.message });
      });
    }
  }

  #reportBatch(records: SourceRecord[], deadLettered: string[], stored: Map<number, bigint>, latencyMs: number,
    written: string): void {
    this.#o.metrics?.batchCommitted(records.map((record) => record.partition), deadLettered, latencyMs);
    this.#o.logger.debug('batch committed', {
      records: records.length, deadLettered: deadLettered.length, latencyMs: Math.round(latencyMs), written,
      offsets: Object.fromEntries([...stored].map(([p, o]) => [p, o.toString()])),
    });
  }

  async #reportLag(): Promise<void> {
    const metrics = this.#o.metrics;
    if (!metrics || this.#assigned.length === 0) return;
    try {
      const ends = await this.#consumer.listOffsets({ topics: [this.#o.topic], isolationLevel: FetchIsolationLevels.READ_COMMITTED });
      const partitions = ends.get(this.#o.topic) ?? [];
      for (const partition of this.#assigned) {
        const end = partitions[partition];
        if (end !== undefined) metrics.lag.set({ partition: String(partition) }, Number(end - (this.#stored.get(partition) ?? 0n)));
      }
    } catch (error) {
      this.#o.logger.debug('lag lookup failed', { error: (error as Error).message });
    }
  }
}
