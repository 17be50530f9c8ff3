// StreamsRuntime runs a TaskFactory's tasks against Kafka: it joins the consumer group, feeds
// records to the task, and makes outputs + consumed offsets durable together, exactly once by
// default. It must never commit an offset whose outputs were not committed in the same
// transaction, and never silently drop an output the broker refused.
//
// Why a STABLE transactional id (`${applicationId}-${instanceId}`) and a modest transaction
// timeout (default 10 s): when an instance is SIGKILLed mid-transaction, its open transaction
// blocks every read_committed reader of those partitions (the last stable offset cannot pass
// it) until the broker aborts it. A restarted instance with the same id registers it again at
// start (InitProducerId), which fences the dead incarnation and aborts its transaction at once,
// before this instance reads any committed offset. If the instance does not come back, the
// timeout bounds the stall, and the new owner of its partitions waits for that abort when it
// reads committed offsets (require_stable), so it can never re-read what the dead one committed.
// Group membership is static (group.instance.id = instanceId) so a restart takes its partitions
// back without waiting for a rebalance.
//
// Rebalances: the client has no callback before partitions are revoked. On the rebalance
// notice the open transaction is committed at once (the old generation is still valid until
// the group completes the rebalance); if the group moved on first, TxnOffsetCommit fails with
// a stale generation, the transaction is aborted, and the partitions are re-read from their
// committed offsets. Every re-read goes through one seam, #rewind(), at a transaction boundary.
import { EventEmitter } from 'node:events';
import { FetchIsolationLevels } from '@platformatic/kafka';
import { deadLetterRecord } from '../dead-letter.js';
import { CoreError, isKalibraError } from '../errors.js';
import type { KalibraError } from '../errors.js';
import type { OutputRecord, SourceRecord, Task, TaskIO } from '../task.js';
import { atLeastOnceCommitter, exactlyOnceCommitter } from './committer.js';
import type { Committer } from './committer.js';
import { classifyFailure, closeClient, describe, transactionError } from './kafka-errors.js';
import { clientConnection, resolveOptions } from './options.js';
import type { ResolvedRuntimeOptions, StreamsRuntimeOptions } from './options.js';
import { RecordSource } from './record-source.js';
import type { RuntimeMessage, SourceStart } from './record-source.js';
import { RuntimeConsumer } from './runtime-consumer.js';
import { createRuntimeProducer } from './runtime-producer.js';
import type { RuntimeProducer } from './runtime-producer.js';
import { onShutdownSignal } from './signals.js';
import { TransactionBatch } from './transaction-batch.js';

export const RuntimeStates = ['created', 'starting', 'running', 'rebalancing', 'stopped', 'failed'] as const;
export type RuntimeState = (typeof RuntimeStates)[number];

export interface StreamsRuntimeEvents {
  state: [state: RuntimeState];
  error: [error: KalibraError];
}

/** Producer fencings tolerated per minute before concluding that another process uses this instanceId. */
const MAX_FENCINGS_PER_MINUTE = 3;
const MAX_CONSECUTIVE_FAILURES = 5;
const GATE_WAIT_CAP_MS = 1_000;

export class StreamsRuntime extends EventEmitter<StreamsRuntimeEvents> {
  readonly #options: ResolvedRuntimeOptions;
  readonly #committer: Committer;
  #state: RuntimeState = 'created';
  #producer: RuntimeProducer | undefined;
  #consumer: RuntimeConsumer | undefined;
  #source: RecordSource | undefined;
  #task: Task | undefined;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #stopRequested = false;
  #failure: KalibraError | undefined;
  #opening = false;
  #rewindNeeded = false;
  #commitSoon = false;
  #consecutiveFailures = 0;
  #fencings: number[] = [];
  #current: { record: SourceRecord; batch: TransactionBatch } | undefined;
  #batch = new TransactionBatch();
  readonly #fatal = new WeakSet<object>();
  readonly #committedNext = new Map<string, bigint>();
  #gateAbort: AbortController | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  #removeSignalHandlers: (() => void) | undefined;

  constructor(options: StreamsRuntimeOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#committer = this.#options.processingGuarantee === 'exactly_once' ? exactlyOnceCommitter : atLeastOnceCommitter;
  }

  get state(): RuntimeState {
    return this.#state;
  }

  get transactionalId(): string | undefined {
    return this.#options.processingGuarantee === 'exactly_once' ? this.#options.transactionalId : undefined;
  }

  /** Joins the group and starts processing; resolves once records can flow. */
  async start(): Promise<void> {
    if (this.#state !== 'created') throw new CoreError('STATE_INVALID', `start() called in state ${this.#state}`);
    const o = this.#options;
    this.#setState('starting');
    try {
      // Producer first: registering the transactional id aborts a crashed predecessor's
      // transaction, so reading committed offsets below does not wait for its timeout.
      this.#producer = await this.#createProducer();
      this.#consumer = this.#createConsumer();
      this.#task = o.taskFactory.createTask(this.#taskIO());
      this.#source = new RecordSource(this.#consumer, o.taskFactory.sourceTopics, o.commitMaxRecords * 2);
      await this.#openSource({ mode: 'committed' });
    } catch (error) {
      const failure = new CoreError('TRANSACTION_FAILED', `the runtime could not start: ${describe(error)}`, { cause: error, retryable: true });
      this.#fail(failure);
      await this.#closeClients(true);
      throw failure;
    }
    if (o.handleSignals) this.#removeSignalHandlers = onShutdownSignal(() => this.stop());
    this.#lagTimer = setInterval(() => { void this.#reportLag(); }, o.lagIntervalMs);
    this.#lagTimer.unref();
    this.#setState('running');
    this.#loop = this.#run().finally(() => this.#finish());
  }

  /**
   * Stops cleanly: commits the open transaction (or aborts it if that fails), leaves the group
   * and closes the clients, within shutdownTimeoutMs (default 10 s).
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** Resolves when the runtime has stopped or failed (after its clients are closed). */
  async done(): Promise<RuntimeState> {
    await this.#loop;
    return this.#state;
  }

  async #stop(): Promise<void> {
    this.#stopRequested = true;
    this.#gateAbort?.abort();
    this.#source?.wakeUp();
    if (this.#loop === undefined) {
      await this.#closeClients(false);
      if (this.#state !== 'failed') this.#setState('stopped');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.#loop.then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), this.#options.shutdownTimeoutMs); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#fail(new CoreError('SHUTDOWN_TIMEOUT', `the runtime did not stop within ${this.#options.shutdownTimeoutMs} ms; clients closed by force`));
      await this.#closeClients(true);
    }
  }

  // ---- the loop --------------------------------------------------------------------------

  async #run(): Promise<void> {
    const o = this.#options;
    let lastPunctuation = Date.now();
    while (!this.#stopRequested) {
      const source = this.#source!;
      try {
        if (source.failure !== undefined) throw asError(source.failure);
        if (this.#rewindNeeded) {
          await this.#abandonBatch('rebalance');
          await this.#rewind({ mode: 'committed' });
          continue;
        }
        const now = Date.now();
        if (now - lastPunctuation >= o.commitIntervalMs) {
          this.#punctuate(now);
          lastPunctuation = now;
        }
        const batch = this.#batch;
        if (!batch.empty && (this.#commitSoon || batch.records >= o.commitMaxRecords || now - batch.startedAt >= o.commitIntervalMs)) {
          await this.#commit();
          continue;
        }
        const message = source.take();
        if (message === undefined) {
          if (batch.empty) this.#commitSoon = false;
          await source.wait(batch.empty ? o.commitIntervalMs : o.commitIntervalMs - (now - batch.startedAt));
          continue;
        }
        if (!this.#admitted(message)) {
          source.putBack(message);
          // Never hold a transaction open while waiting for the gate.
          if (!batch.empty) await this.#commit();
          else await this.#waitForGate();
          continue;
        }
        this.#process(message);
      } catch (error) {
        await this.#recover(error);
      }
    }
    if (this.#failure === undefined && !this.#batch.empty) {
      try {
        await this.#commit();
      } catch (error) {
        this.#options.logger.warn('the last transaction could not be committed at shutdown; it was aborted', { error: describe(error) });
        this.#options.metrics.transactionAborted('shutdown');
      }
    }
  }

  #process(message: RuntimeMessage): void {
    const batch = this.#batch;
    const record: SourceRecord = {
      topic: message.topic, partition: message.partition, offset: message.offset, timestamp: message.timestamp,
      key: message.key ?? null, value: message.value ?? null, headers: message.headers,
    };
    batch.touch();
    this.#current = { record, batch };
    const mark = batch.outputs.length;
    try {
      this.#task!.process(record);
    } catch (error) {
      if (typeof error === 'object' && error !== null && this.#fatal.has(error)) throw error;
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

  #punctuate(now: number): void {
    try {
      this.#task!.punctuate(now);
    } catch (error) {
      throw this.#markFatal(new CoreError('PROCESSING_FAILED', `a punctuation threw: ${describe(error)}`, { cause: error }));
    }
  }

  #taskIO(): TaskIO {
    return {
      send: (output: OutputRecord) => {
        const timestamp = output.timestamp ?? this.#current?.record.timestamp ?? BigInt(Date.now());
        const batch = this.#current?.batch ?? this.#batch;
        batch.touch();
        batch.outputs.push({ ...output, timestamp });
      },
      deadLetter: (source: SourceRecord, error: KalibraError) => this.#deadLetter(source, error),
      now: () => Date.now(),
    };
  }

  #deadLetter(source: SourceRecord, error: KalibraError): void {
    const o = this.#options;
    let decision: string;
    try {
      decision = o.onProcessingError(source, error);
    } catch (handlerError) {
      throw this.#markFatal(new CoreError('PROCESSING_FAILED', `onProcessingError threw: ${describe(handlerError)}`, { cause: handlerError }));
    }
    const where = `${source.topic}/${source.partition}@${source.offset}`;
    if (decision !== 'dead-letter') {
      throw this.#markFatal(new CoreError(error.code === 'PROCESSING_FAILED' ? 'PROCESSING_FAILED' : 'VALIDATION_FAILED',
        `record ${where} could not be processed and onProcessingError chose to fail: ${error.message}`, { cause: error }));
    }
    if (o.dlqTopic === undefined) {
      throw this.#markFatal(new CoreError('CONFIG_INVALID', `record ${where} was dead-lettered but option 'dlqTopic' is not set`, { cause: error }));
    }
    const batch = this.#current?.batch ?? this.#batch;
    batch.outputs.push(deadLetterRecord(o.dlqTopic, source, error));
    batch.deadLettered.set(error.code, (batch.deadLettered.get(error.code) ?? 0) + 1);
  }

  async #commit(): Promise<void> {
    const batch = this.#batch;
    const started = performance.now();
    this.#options.logger.debug('committing', { records: batch.records, outputs: batch.outputs.length });
    await this.#committer.commit(this.#producer!, this.#consumer!, batch);
    const latency = performance.now() - started;
    this.#options.logger.debug('committed', { records: batch.records, latencyMs: Math.round(latency) });
    this.#batch = new TransactionBatch();
    this.#commitSoon = false;
    this.#consecutiveFailures = 0;
    const m = this.#options.metrics;
    m.transactionCommitted(latency, batch.records);
    for (const [key, count] of batch.countsByPartition) {
      const last = batch.lastByPartition.get(key)!;
      m.recordsIn(last.topic, last.partition, count);
      this.#committedNext.set(key, last.offset + 1n);
    }
    for (const [topic, count] of batch.outputsByTopic()) m.recordsOut(topic, count);
    for (const [code, count] of batch.deadLettered) m.deadLettered(code, count);
    if (this.#state === 'rebalancing' && !this.#rewindNeeded) this.#setState('running');
  }

  /** Drops the open batch; under exactly_once nothing of it reached Kafka (the committer aborts on failure). */
  async #abandonBatch(reason: string): Promise<void> {
    if (!this.#batch.empty) this.#options.metrics.transactionAborted(reason);
    this.#batch = new TransactionBatch();
    await Promise.resolve();
  }

  /**
   * The one place that moves partitions: reopen the source at `start`, only between
   * transactions. Today it re-reads committed offsets after an abort or a rebalance; replay will
   * call it with { mode: 'manual', offsets } at its transaction boundary.
   */
  async #rewind(start: SourceStart): Promise<void> {
    if (!this.#batch.empty) throw new CoreError('STATE_INVALID', 'rewind with an open transaction');
    if (this.#state === 'running') this.#setState('rebalancing');
    this.#rewindNeeded = false;
    await this.#openSource(start);
    this.#setState('running');
  }

  async #openSource(start: SourceStart): Promise<void> {
    this.#opening = true;
    try {
      await this.#source!.open(start);
    } finally {
      this.#opening = false;
    }
    // A generation that changed while opening means the stream may hold stale positions.
    if (this.#consumer!.generationId !== this.#source!.generation) this.#rewindNeeded = true;
  }

  async #recover(error: unknown): Promise<void> {
    const o = this.#options;
    if (typeof error === 'object' && error !== null && this.#fatal.has(error)) {
      await this.#abandonBatch('failed');
      this.#fail(error as KalibraError);
      return;
    }
    const kind = classifyFailure(error);
    o.metrics.transactionAborted(kind);
    o.logger.warn('transaction aborted', { kind, error: describe(error) });
    this.#batch = new TransactionBatch();
    if (kind === 'records-refused') {
      this.#fail(transactionError(kind, error));
      return;
    }
    if (kind === 'producer-fenced') {
      const now = Date.now();
      this.#fencings = [...this.#fencings.filter((at) => now - at < 60_000), now];
      if (this.#fencings.length > MAX_FENCINGS_PER_MINUTE) {
        this.#fail(new CoreError('FENCED', `the producer was fenced ${this.#fencings.length} times in a minute: is another process running with instanceId '${o.instanceId}'?`, { cause: error }));
        return;
      }
      await closeClient(this.#producer, true);
      try {
        this.#producer = await this.#createProducer();
      } catch (createError) {
        this.#fail(new CoreError('FENCED', `could not recreate the producer after fencing: ${describe(createError)}`, { cause: createError }));
        return;
      }
    } else if (kind === 'transient' && ++this.#consecutiveFailures > MAX_CONSECUTIVE_FAILURES) {
      this.#fail(transactionError(kind, error));
      return;
    }
    if (kind !== 'generation-stale') await delay(Math.min(5_000, 200 * 2 ** this.#consecutiveFailures));
    this.#rewindNeeded = true;
  }

  // ---- gate, lag, clients, state ---------------------------------------------------------

  #admitted(message: RuntimeMessage): boolean {
    const gate = this.#options.gate;
    if (gate === undefined) return true;
    const upTo = gate.admittedUpTo(message.topic, message.partition);
    return upTo !== undefined && upTo > message.offset;
  }

  async #waitForGate(): Promise<void> {
    const gate = this.#options.gate!;
    const started = Date.now();
    const abort = new AbortController();
    this.#gateAbort = abort;
    const timer = setTimeout(() => abort.abort(), GATE_WAIT_CAP_MS);
    try {
      await Promise.race([gate.changed(abort.signal), new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true }))]);
    } finally {
      clearTimeout(timer);
      abort.abort();
      this.#options.metrics.gateWait(Date.now() - started);
    }
  }

  async #reportLag(): Promise<void> {
    const consumer = this.#consumer;
    if (consumer === undefined || this.#state !== 'running') return;
    try {
      const ends = await consumer.listOffsets({ topics: [...this.#options.taskFactory.sourceTopics] });
      for (const assignment of consumer.assignments ?? []) {
        for (const partition of assignment.partitions) {
          const end = ends.get(assignment.topic)?.[partition];
          const next = this.#committedNext.get(`${assignment.topic}:${partition}`);
          if (end !== undefined && next !== undefined) this.#options.metrics.consumerLag(assignment.topic, partition, Number(end - next));
        }
      }
    } catch (error) {
      this.#options.logger.debug('could not read end offsets for lag', { error: describe(error) });
    }
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

  #createConsumer(): RuntimeConsumer {
    const o = this.#options;
    const consumer = new RuntimeConsumer({
      clientId: `${o.connection.clientId ?? o.applicationId}-${o.instanceId}-consumer`,
      bootstrapBrokers: o.brokers,
      ...clientConnection(o.connection),
      groupId: o.applicationId,
      groupInstanceId: o.instanceId,
      // Exactly-once fencing rests on generationId, which only the classic protocol sends right.
      groupProtocol: 'classic',
      sessionTimeout: o.sessionTimeoutMs,
      rebalanceTimeout: o.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(o.sessionTimeoutMs / 3)),
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      autocommit: false,
      maxWaitTime: Math.min(500, o.commitIntervalMs * 5),
      deserializers: { headerKey: (key?: Buffer) => key?.toString() },
      // Long enough for a crashed predecessor's transaction to time out.
      stableOffsetsTimeoutMs: o.transactionTimeoutMs * 2 + 10_000,
    });
    consumer.on('consumer:group:rebalance', () => {
      // Commit what is open while the old generation is still valid.
      this.#commitSoon = true;
      if (this.#state === 'running') this.#setState('rebalancing');
      this.#source?.wakeUp();
    });
    consumer.on('consumer:group:join', ({ generationId }) => {
      if (this.#opening || this.#source === undefined || generationId === this.#source.generation) return;
      this.#rewindNeeded = true;
      this.#source.wakeUp();
    });
    consumer.on('error', (error: unknown) => {
      o.logger.warn('consumer error', { error: describe(error) });
    });
    return consumer;
  }

  async #finish(): Promise<void> {
    this.#removeSignalHandlers?.();
    clearInterval(this.#lagTimer);
    try {
      this.#task?.close();
    } catch (error) {
      this.#options.logger.warn('task.close() threw', { error: describe(error) });
    }
    await this.#closeClients(false);
    if (this.#state !== 'failed') this.#setState('stopped');
  }

  async #closeClients(force: boolean): Promise<void> {
    const source = this.#source;
    const consumer = this.#consumer;
    const producer = this.#producer;
    await source?.close();
    // Closing the consumer leaves the group, so the partitions move without a session timeout.
    await closeClient(consumer, force);
    await closeClient(producer, force);
  }

  #markFatal(error: CoreError): CoreError {
    this.#fatal.add(error);
    return error;
  }

  #fail(error: KalibraError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#stopRequested = true;
    this.#options.logger.error('runtime failed', { code: error.code, error: error.message });
    this.#setState('failed');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #setState(state: RuntimeState): void {
    if (this.#state === state || this.#state === 'failed') return;
    this.#state = state;
    this.#options.metrics.stateChanged(state);
    this.#options.logger.info('state', { state });
    this.emit('state', state);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new CoreError('TRANSACTION_FAILED', `the consumer stream failed: ${String(value)}`, { retryable: true });
}
