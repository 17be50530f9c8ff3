// StreamsRuntime runs a TaskFactory's tasks against Kafka: it joins the consumer group, feeds
// records to the task, and makes outputs + consumed offsets durable together, exactly once by
// default. It must never commit an offset whose outputs were not committed in the same
// transaction, and never silently drop an output the broker refused.
//
// This class is the composition and the lifecycle only (public API, states, start, stop); the
// work is done by, after Kafka Streams' split:
//   stream-thread.ts       StreamThread: the poll/process loop, when to commit, failure recovery
//   task-manager.ts        TaskManager: consumer group membership, rebalances, the task, rewinds
//   record-collector.ts    RecordCollector: the producer and the open transaction, commit
//   replay-coordinator.ts  ReplayCoordinator: online replay (option `replay`)
//   gate-admission.ts      GateAdmission: holding records back until the gate admits them
//   consumer-lag.ts        the consumer-lag metric
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
import { EventEmitter } from 'node:events';
import { CoreError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import { startLagReports } from './consumer-lag.ts';
import { GateAdmission } from './gate-admission.ts';
import { describe } from './kafka-errors.ts';
import { resolveOptions } from './options.ts';
import type { ResolvedRuntimeOptions, StreamsRuntimeOptions } from './options.ts';
import { RecordCollector } from './record-collector.ts';
import { ReplayCoordinator } from './replay-coordinator.ts';
import { RuntimeLifecycle } from './runtime-state.ts';
import type { RuntimeState } from './runtime-state.ts';
import { onShutdownSignal } from './signals.ts';
import { StreamThread } from './stream-thread.ts';
import { TaskManager } from './task-manager.ts';

export { RuntimeStates } from './runtime-state.ts';
export type { RuntimeState } from './runtime-state.ts';

/** What StreamsRuntime.health() answers. */
export type RuntimeHealth = { ok: true } | { ok: false; reason: string };

/** One failed heartbeat can be a blip; failing for this long means the coordinator is out of reach. */
const HEARTBEAT_GRACE_MS = 2_000;

export interface StreamsRuntimeEvents {
  state: [state: RuntimeState];
  error: [error: KalibraError];
}

/**
 * Runs one TaskFactory for one instance. `start()`, then `stop()` (or SIGTERM/SIGINT with
 * `handleSignals`). Events: 'state' on every change (starting, running, rebalancing, stopped,
 * failed) and 'error' with the KalibraError that made it fail (emitted only when someone
 * listens; it is always logged).
 */
export class StreamsRuntime extends EventEmitter<StreamsRuntimeEvents> {
  readonly #options: ResolvedRuntimeOptions;
  readonly #collector: RecordCollector;
  readonly #tasks: TaskManager;
  readonly #replay: ReplayCoordinator;
  readonly #gate: GateAdmission;
  readonly #thread: StreamThread;
  readonly #lifecycle: RuntimeLifecycle;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  /** Undo what start() set up around the loop: signal handlers, lag reports. */
  #removeSignalHandlers: (() => void) | undefined;
  #stopLagReports: (() => void) | undefined;

  constructor(options: StreamsRuntimeOptions) {
    super();
    const o = resolveOptions(options);
    this.#options = o;
    const lifecycle = new RuntimeLifecycle(o.logger, o.metrics, {
      state: (state) => this.emit('state', state),
      failed: (error) => { if (this.listenerCount('error') > 0) this.emit('error', error); },
    });
    this.#lifecycle = lifecycle;
    this.#collector = new RecordCollector(o);
    this.#replay = new ReplayCoordinator(o);
    this.#tasks = new TaskManager(o, lifecycle, () => this.#replay.afterOpen());
    this.#gate = new GateAdmission(o.gate, o.metrics);
    this.#thread = new StreamThread(o, { lifecycle, tasks: this.#tasks, collector: this.#collector, replay: this.#replay, gate: this.#gate });
  }

  get state(): RuntimeState {
    return this.#lifecycle.state;
  }

  /**
   * Whether the runtime is doing its work right now, for a readiness check: running, not
   * recovering from a failure (e.g. a broker outage, retried for as long as it lasts), and its
   * heartbeats reach the group coordinator. When not, `reason` says what is wrong since when.
   */
  health(): RuntimeHealth {
    const state = this.#lifecycle.state;
    if (state !== 'running') return { ok: false, reason: `the runtime is ${state}` };
    const since = (at: number): string => new Date(at).toISOString();
    const trouble = this.#thread.trouble;
    if (trouble !== undefined) {
      return { ok: false, reason: `recovering since ${since(trouble.since)} (${trouble.failures} failed attempts; brokers ${this.#options.brokers.join(',')}): ${trouble.error}` };
    }
    const heartbeat = this.#tasks.heartbeatFailure;
    if (heartbeat !== undefined && Date.now() - heartbeat.since >= HEARTBEAT_GRACE_MS) {
      return { ok: false, reason: `no heartbeat reaches the group coordinator since ${since(heartbeat.since)} (brokers ${this.#options.brokers.join(',')}): ${heartbeat.error}` };
    }
    return { ok: true };
  }

  get transactionalId(): string | undefined {
    return this.#options.processingGuarantee === 'exactly_once' ? this.#options.transactionalId : undefined;
  }

  /** Joins the group and starts processing; resolves once records can flow. */
  async start(): Promise<void> {
    if (this.#lifecycle.state !== 'created') throw new CoreError('STATE_INVALID', `start() called in state ${this.#lifecycle.state}`);
    const o = this.#options;
    this.#lifecycle.setState('starting');
    const replayFailure = await this.#replay.start(() => this.#tasks.wakeUp());
    if (replayFailure !== undefined) {
      this.#lifecycle.fail(replayFailure);
      await this.#closeClients(true);
      throw replayFailure;
    }
    try {
      // Producer first: registering the transactional id aborts a crashed predecessor's
      // transaction, so reading committed offsets below does not wait for its timeout.
      await this.#collector.start();
      await this.#tasks.start(this.#collector.batch);
    } catch (error) {
      const failure = new CoreError('TRANSACTION_FAILED', `the runtime could not start: ${describe(error)}`, { cause: error, retryable: true });
      this.#lifecycle.fail(failure);
      await this.#closeClients(true);
      throw failure;
    }
    if (o.handleSignals) this.#removeSignalHandlers = onShutdownSignal(() => this.stop());
    this.#stopLagReports = startLagReports(this.#tasks.consumer, o, this.#collector.committedNext, () => this.#lifecycle.state === 'running',
      this.#replay.stateOf);
    this.#lifecycle.setState('running');
    this.#loop = this.#thread.run().finally(() => this.#finish());
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
    return this.#lifecycle.state;
  }

  async #stop(): Promise<void> {
    this.#lifecycle.requestStop();
    this.#gate.release();
    this.#tasks.wakeUp();
    if (this.#loop === undefined) {
      await this.#closeClients(false);
      if (this.#lifecycle.state !== 'failed') this.#lifecycle.setState('stopped');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.#loop.then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), this.#options.shutdownTimeoutMs); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#lifecycle.fail(new CoreError('SHUTDOWN_TIMEOUT', `the runtime did not stop within ${this.#options.shutdownTimeoutMs} ms; clients closed by force`));
      await this.#closeClients(true);
    }
  }

  async #finish(): Promise<void> {
    this.#removeSignalHandlers?.();
    this.#stopLagReports?.();
    try {
      this.#tasks.closeTask();
    } catch (error) {
      this.#options.logger.warn('task.close() threw', { error: describe(error) });
    }
    await this.#closeClients(false);
    if (this.#lifecycle.state !== 'failed') this.#lifecycle.setState('stopped');
  }

  async #closeClients(force: boolean): Promise<void> {
    await this.#tasks.closeSource();
    await this.#replay.close();
    await this.#tasks.closeConsumer(force);
    await this.#collector.close(force);
  }
}
