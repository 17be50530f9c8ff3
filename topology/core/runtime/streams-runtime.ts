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
//
// Replay (option `replay`, see README.md): a request in the replay-state topic is applied at a
// transaction boundary by writing the partition's applied mark and its rewound offset in the
// same transaction, then re-reading from the committed offsets; the state is read to its end
// after every (re)open, so a new owner never processes before it knows the marks.
import { EventEmitter } from 'node:events';
import { CoreError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import { atLeastOnceCommitter, exactlyOnceCommitter } from './committer.ts';
import type { Committer } from './committer.ts';
import { classifyFailure, closeClient, describe, isKafkaError, transactionError } from './kafka-errors.ts';
import { resolveOptions } from './options.ts';
import type { ResolvedRuntimeOptions, StreamsRuntimeOptions } from './options.ts';
import { RecordSource } from './record-source.ts';
import type { RuntimeMessage, SourceStart } from './record-source.ts';
import { admitted, reportLag, waitForGate } from './flow-control.ts';
import { TaskDriver } from './task-driver.ts';
import { createRuntimeConsumer } from './runtime-consumer.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';
import { createRuntimeProducer } from './runtime-producer.ts';
import type { RuntimeProducer } from './runtime-producer.ts';
import { onShutdownSignal } from './signals.ts';
import { appliedRecord, dueReplays, offsetCommitMarker, skippedByReplay } from './replay-boundary.ts';
import type { OwnedPartition } from './replay-boundary.ts';
import { ReplayStateTail } from './replay-state-tail.ts';
import { pendingFor } from '../replay/state.ts';
import type { SourceRecord } from '../task.ts';
import { TransactionBatch } from './transaction-batch.ts';

export const RuntimeStates = ['created', 'starting', 'running', 'rebalancing', 'stopped', 'failed'] as const;
export type RuntimeState = (typeof RuntimeStates)[number];

export interface StreamsRuntimeEvents {
  state: [state: RuntimeState];
  error: [error: KalibraError];
}

/** Producer fencings tolerated per minute before concluding that another process uses this instanceId. */
const MAX_FENCINGS_PER_MINUTE = 3;
const MAX_CONSECUTIVE_FAILURES = 5;

/**
 * Runs one TaskFactory for one instance. `start()`, then `stop()` (or SIGTERM/SIGINT with
 * `handleSignals`). Events: 'state' on every change (starting, running, rebalancing, stopped,
 * failed) and 'error' with the KalibraError that made it fail (emitted only when someone
 * listens; it is always logged).
 */
export class StreamsRuntime extends EventEmitter<StreamsRuntimeEvents> {
  readonly #options: ResolvedRuntimeOptions;
  readonly #committer: Committer;
  #state: RuntimeState = 'created';
  #producer: RuntimeProducer | undefined;
  #consumer: RuntimeConsumer | undefined;
  #source: RecordSource | undefined;
  #driver: TaskDriver | undefined;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #stopRequested = false;
  #failure: KalibraError | undefined;
  #opening = false;
  #rewindNeeded = false;
  #commitSoon = false;
  #consecutiveFailures = 0;
  #fencings: number[] = [];
  #batch = new TransactionBatch();
  readonly #committedNext = new Map<string, bigint>();
  #gateAbort: AbortController | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  #removeSignalHandlers: (() => void) | undefined;
  /** Replay (option `replay`): the tailed state, and whether a boundary should look for pending requests. */
  #replayTail: ReplayStateTail | undefined;
  #replayDue = false;
  /** `${topic}:${partition}` → next offset to process, for records taken since the source was last opened. */
  readonly #positions = new Map<string, bigint>();

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
    if (o.replay !== undefined) {
      // Before anything else: a missing state topic is a configuration error, said as such.
      const tail = new ReplayStateTail(o, o.replay.stateTopic);
      this.#replayTail = tail;
      try {
        await tail.start();
      } catch (error) {
        const failure = error instanceof CoreError ? error : new CoreError('CONFIG_INVALID', describe(error), { cause: error });
        this.#fail(failure);
        await this.#closeClients(true);
        throw failure;
      }
      tail.onChange = () => {
        this.#replayDue = true;
        this.#source?.wakeUp();
      };
    }
    try {
      // Producer first: registering the transactional id aborts a crashed predecessor's
      // transaction, so reading committed offsets below does not wait for its timeout.
      this.#producer = await this.#createProducer();
      this.#consumer = this.#createConsumer();
      this.#driver = new TaskDriver(o, this.#batch);
      this.#source = new RecordSource(this.#consumer, o.taskFactory.sourceTopics, o.commitMaxRecords * 2);
      await this.#openSource({ mode: 'committed' });
    } catch (error) {
      const failure = new CoreError('TRANSACTION_FAILED', `the runtime could not start: ${describe(error)}`, { cause: error, retryable: true });
      this.#fail(failure);
      await this.#closeClients(true);
      throw failure;
    }
    if (o.handleSignals) this.#removeSignalHandlers = onShutdownSignal(() => this.stop());
    this.#lagTimer = setInterval(() => {
      const tail = this.#replayTail;
      if (this.#state === 'running') void reportLag(this.#consumer!, o, this.#committedNext, tail === undefined ? undefined : (topic) => tail.state(topic));
    }, o.lagIntervalMs);
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
        if (this.#replayTail?.failure !== undefined) {
          // Processing on without a current replay state could skip records it must not.
          await this.#abandonBatch('failed');
          this.#fail(new CoreError('TRANSACTION_FAILED', `the replay-state reader failed: ${describe(this.#replayTail.failure)}`, { cause: this.#replayTail.failure, retryable: true }));
          break;
        }
        if (this.#rewindNeeded) {
          await this.#abandonBatch('rebalance');
          await this.#rewind({ mode: 'committed' });
          continue;
        }
        const now = Date.now();
        if (now - lastPunctuation >= o.commitIntervalMs) {
          this.#driver!.punctuate(now, this.#batch);
          lastPunctuation = now;
        }
        if (this.#replayDue) {
          await this.#applyReplay();
          continue;
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
        if (!admitted(this.#options.gate, message)) {
          source.putBack(message);
          // Never hold a transaction open while waiting for the gate.
          if (!batch.empty) await this.#commit();
          else await this.#waitForGate();
          continue;
        }
        this.#take(message);
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

  /** Processes a record, or only counts it when it lies in a replay window and is not selected. */
  #take(message: RuntimeMessage): void {
    const tail = this.#replayTail;
    if (tail !== undefined) {
      const record: SourceRecord = {
        topic: message.topic, partition: message.partition, offset: message.offset, timestamp: message.timestamp,
        key: message.key ?? null, value: message.value ?? null, headers: message.headers,
      };
      if (skippedByReplay(tail.state(message.topic), record, this.#options.replay?.selects)) this.#batch.track(message);
      else this.#driver!.process(message, this.#batch);
    } else {
      this.#driver!.process(message, this.#batch);
    }
    this.#positions.set(`${message.topic}:${message.partition}`, message.offset + 1n);
  }

  /**
   * The replay boundary: for each owned partition whose replay request is not applied yet, the
   * applied mark goes into the open transaction together with the partition's committed
   * offset set back to the replay's start; once that commits, the partitions are re-read from
   * the committed offsets. One transaction, so a crash can never leave the mark without the
   * offset or the offset without the mark.
   */
  async #applyReplay(): Promise<void> {
    this.#replayDue = false;
    const tail = this.#replayTail!;
    const consumer = this.#consumer!;
    // The common case (no request, or applied everywhere) costs no round trip.
    const anyPending = this.#options.taskFactory.sourceTopics.some((topic) => {
      const state = tail.state(topic);
      return state.request?.partitions.some((target) => pendingFor(state, target.partition)) ?? false;
    });
    if (!anyPending) return;
    const owned = await this.#ownedPartitions();
    const due = dueReplays(this.#options.applicationId, (topic) => tail.state(topic), owned);
    if (due.length === 0) return;
    const batch = this.#batch;
    const group = {
      groupId: consumer.groupId, memberId: consumer.memberId,
      generationId: this.#source!.generation, coordinatorId: consumer.coordinatorId,
    };
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
    await this.#commit();
    for (const { applied } of due) tail.fold(applied);
    if (due.some((d) => d.rewinds)) await this.#rewind({ mode: 'committed' });
  }

  /** The partitions this instance owns now, with where each stands (its committed offset at a boundary). */
  async #ownedPartitions(): Promise<OwnedPartition[]> {
    const owned: OwnedPartition[] = [];
    const unknown = new Map<string, number[]>();
    for (const { topic, partitions } of this.#consumer!.assignments ?? []) {
      for (const partition of partitions) {
        const position = this.#positions.get(`${topic}:${partition}`);
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
      this.#positions.clear();
      await this.#source!.open(start);
      // A new owner must know the replay state before it processes anything: the previous
      // owner's last applied mark is committed with the offsets the source has just read.
      if (this.#replayTail !== undefined) {
        await this.#replayTail.catchUp(this.#options.transactionTimeoutMs * 2 + 10_000);
        this.#replayDue = true;
      }
    } finally {
      this.#opening = false;
    }
    // A generation that changed while opening means the stream may hold stale positions.
    if (this.#consumer!.generationId !== this.#source!.generation) this.#rewindNeeded = true;
  }

  async #recover(error: unknown): Promise<void> {
    const o = this.#options;
    if (this.#driver?.isFatal(error)) {
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
    // Also after a stale generation: the consumer may not have rejoined yet, and re-reading at
    // once would only build another transaction that the broker refuses.
    await delay(Math.min(5_000, 200 * 2 ** this.#consecutiveFailures));
    this.#rewindNeeded = true;
  }

  // ---- gate, lag, clients, state ---------------------------------------------------------

  async #waitForGate(): Promise<void> {
    const abort = new AbortController();
    this.#gateAbort = abort;
    await waitForGate(this.#options.gate!, abort, this.#options.metrics);
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
    const consumer = createRuntimeConsumer(o);
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
    consumer.on('consumer:heartbeat:error', ({ error }) => {
      // Another process joined with our group.instance.id (a second instance with the same
      // instanceId, or our own restart while we were paused): we are the zombie. Fighting
      // back by re-registering the transactional id would only fence the rightful owner.
      if (!isKafkaError(error, 'FENCED_INSTANCE_ID')) return;
      this.#fail(new CoreError('FENCED', `another process joined group '${o.applicationId}' with instanceId '${o.instanceId}'; this one stops`, { cause: error }));
      this.#source?.wakeUp();
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
      this.#driver?.close();
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
    await this.#replayTail?.close();
    // Closing the consumer leaves the group, so the partitions move without a session timeout.
    await closeClient(consumer, force);
    await closeClient(producer, force);
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
