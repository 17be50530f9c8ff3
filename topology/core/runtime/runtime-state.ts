// The runtime's lifecycle: its states, the first failure, whether the loop should stop. Its
// collaborators (the stream thread, the task manager) read and move the state, or make the
// runtime fail, only through this one object. It owns the rules (never leave 'failed', the
// first failure wins) and the state metric and log; StreamsRuntime emits the events it reports.
import type { KalibraError } from '../errors.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import type { RuntimeLogger } from './options.ts';

export const RuntimeStates = ['created', 'starting', 'running', 'rebalancing', 'stopped', 'failed'] as const;
export type RuntimeState = (typeof RuntimeStates)[number];

export interface LifecycleListener {
  state(state: RuntimeState): void;
  failed(error: KalibraError): void;
}

export class RuntimeLifecycle {
  readonly #logger: RuntimeLogger;
  readonly #metrics: RuntimeMetrics;
  readonly #listener: LifecycleListener;
  #state: RuntimeState = 'created';
  #failure: KalibraError | undefined;
  #stopRequested = false;
  readonly #sleepers = new Set<() => void>();

  constructor(logger: RuntimeLogger, metrics: RuntimeMetrics, listener: LifecycleListener) {
    this.#logger = logger;
    this.#metrics = metrics;
    this.#listener = listener;
  }

  get state(): RuntimeState {
    return this.#state;
  }

  /** stop() was called or the runtime failed: the loop ends at its next turn. */
  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }

  requestStop(): void {
    this.#stopRequested = true;
    for (const wake of [...this.#sleepers]) wake();
  }

  /** Waits `ms`, or less when a stop is requested meanwhile (a back-off must not delay a shutdown). */
  sleep(ms: number): Promise<void> {
    if (this.#stopRequested) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }

  /** Moves to `state` (never out of 'failed'); reports it. */
  setState(state: RuntimeState): void {
    if (this.#state === state || this.#state === 'failed') return;
    this.#state = state;
    this.#metrics.stateChanged(state);
    this.#logger.info('state', { state });
    this.#listener.state(state);
  }

  /** The first failure wins: logged, the loop stops, state 'failed', reported. */
  fail(error: KalibraError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.requestStop();
    this.#logger.error('runtime failed', { code: error.code, error: error.message });
    this.setState('failed');
    this.#listener.failed(error);
  }
}
