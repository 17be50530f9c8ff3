// Clean shutdown of a long-running process: on SIGTERM/SIGINT (or a fatal error) run the
// registered close hooks in reverse order of registration (last opened, first closed), within
// one overall deadline, then exit. It never waits past the deadline: Kubernetes sends SIGKILL
// after its grace period, and a hung hook must not turn a clean stop into a kill.
import { OpsError } from '../errors.ts';
import type { Logger } from '../log/logger.ts';

export type CloseHook = () => void | Promise<void>;

export const ExitCodes = {
  ok: 0,
  /** A hook failed, the deadline passed, or shutdown was started for a fatal error. */
  failed: 1,
  /** A command found no Kafka broker answering at KAFKA_BROKERS (the message names the address). */
  brokerUnreachable: 3,
  /** Second SIGINT: the operator insisted (128 + SIGINT). */
  interrupted: 130,
} as const;

export interface ShutdownOptions {
  /** Overall budget for all hooks, ms. Default 10 000 (below Kubernetes' 30 s grace period). */
  deadlineMs?: number;
  logger?: Logger;
  /** Ends the process; default process.exit. Tests inject their own. */
  exit?: (code: number) => void;
  /** Called first when shutdown starts, e.g. () => readiness.markShuttingDown(). */
  onStart?: () => void;
}

export class Shutdown {
  readonly #hooks: { name: string; hook: CloseHook }[] = [];
  readonly #deadlineMs: number;
  readonly #logger: Logger | undefined;
  readonly #exit: (code: number) => void;
  readonly #onStart: (() => void) | undefined;
  readonly #abort = new AbortController();
  readonly #listeners = new Map<NodeJS.Signals, () => void>();
  #running: Promise<number> | undefined;

  constructor(options: ShutdownOptions = {}) {
    const deadlineMs = options.deadlineMs ?? 10_000;
    if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
      throw new OpsError('CONFIG_INVALID', `shutdown deadlineMs must be a positive number of milliseconds, got ${deadlineMs}`);
    }
    this.#deadlineMs = deadlineMs;
    this.#logger = options.logger;
    this.#exit = options.exit ?? ((code) => process.exit(code));
    this.#onStart = options.onStart;
  }

  /** Aborts when shutdown starts: long-running loops pass it on and stop taking new work. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Registers something to close. Hooks run in reverse order of registration. */
  onClose(name: string, hook: CloseHook): void {
    this.#hooks.push({ name, hook });
  }

  /** Listens for the signals (default SIGTERM and SIGINT). A second SIGINT exits at once with 130. */
  install(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) {
      if (this.#listeners.has(signal)) continue;
      const listener = (): void => {
        if (this.#running !== undefined) {
          if (signal === 'SIGINT') {
            this.#logger?.warn('second SIGINT: exiting without waiting for close hooks');
            this.#exit(ExitCodes.interrupted);
          } else {
            this.#logger?.info(`${signal} received again; shutdown already in progress`);
          }
          return;
        }
        void this.shutdown(signal);
      };
      this.#listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  uninstall(): void {
    for (const [signal, listener] of this.#listeners) process.off(signal, listener);
    this.#listeners.clear();
  }

  /**
   * Runs the hooks once (later calls return the same promise), then exits with 0, or 1 when
   * `failed` is true, a hook failed or the deadline passed. Resolves with that exit code.
   */
  shutdown(reason: string, failed = false): Promise<number> {
    this.#running ??= this.#run(reason, failed);
    return this.#running;
  }

  async #run(reason: string, failed: boolean): Promise<number> {
    const started = Date.now();
    this.#logger?.info('shutting down', { reason, hooks: this.#hooks.length, deadlineMs: this.#deadlineMs });
    try {
      this.#onStart?.();
    } catch (error) {
      this.#logger?.warn('shutdown start callback failed', { error });
    }
    this.#abort.abort(new OpsError('SHUTTING_DOWN', `shutting down: ${reason}`));

    const pending = this.#hooks.slice().reverse();
    let current: string | undefined;
    let hookFailed = false;
    const runAll = async (): Promise<void> => {
      while (pending.length > 0) {
        const { name, hook } = pending.shift()!;
        current = name;
        const hookStarted = Date.now();
        try {
          await hook();
          this.#logger?.debug('closed', { hook: name, ms: Date.now() - hookStarted });
        } catch (error) {
          hookFailed = true;
          this.#logger?.error('close hook failed', { hook: name, error: new OpsError('SHUTDOWN_HOOK_FAILED', `close hook ${name} failed`, { cause: error }) });
        }
      }
      current = undefined;
    };

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<true>((resolve) => { timer = setTimeout(() => resolve(true), this.#deadlineMs); });
    const outcome = await Promise.race([runAll().then(() => false as const), timedOut]);
    clearTimeout(timer);

    let code: number = failed || hookFailed ? ExitCodes.failed : ExitCodes.ok;
    if (outcome) {
      code = ExitCodes.failed;
      const error = new OpsError('SHUTDOWN_TIMEOUT', `close hooks did not finish within ${this.#deadlineMs} ms`);
      this.#logger?.error('shutdown deadline passed', { error, running: current, notRun: pending.map((p) => p.name) });
    } else {
      this.#logger?.info('shut down', { reason, ms: Date.now() - started, exitCode: code });
    }
    this.uninstall();
    this.#exit(code);
    return code;
  }
}
