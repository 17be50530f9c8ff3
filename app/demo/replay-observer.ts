// Follows the calibrator group's latest replay for the demo's view, through the library's
// public replay API: readReplayState finds the request (re-read only when the replay-state
// topic has grown, which a cheap end-offset look tells), watchReplay yields its progress. What
// the replay did to the table (rows rewritten, the profile versions they now carry) is the
// PipelineObserver's one query per refresh. It only reads; it never requests or stops a replay.
import { Admin } from '@platformatic/kafka';
import { readReplayState, watchReplay } from '../../topology/index.ts';
import type { ReplayProgress, ReplayRequest, StateLocation } from '../../topology/index.ts';
import { isReplaySelector } from '../../contract/replay-selector.ts';
import type { ReplayRows } from './demo-state.ts';

export interface ReplayObserverOptions {
  location: StateLocation;
  /** How often the replay-state topic's end is looked at; default 2 s. */
  pollMs?: number;
  /** The rows a request rewrote, from calibrated_readings (PipelineObserver.replayRows). */
  rows: (window: ReplayWindow) => Promise<ReplayRows | undefined>;
}

/** What a request covers in the table: readings in [fromMs, toMs) of these sensors (null: all), calibrated since requestedAtMs. */
export interface ReplayWindow {
  fromMs: number;
  toMs: number;
  sensors: string[] | null;
  requestedAtMs: number;
}

export interface ReplaySnapshot {
  request: ReplayRequest;
  window: ReplayWindow;
  /** Undefined until watchReplay's first figure. */
  progress: ReplayProgress | undefined;
  rows: ReplayRows | undefined;
}

export class ReplayObserver {
  readonly #options: ReplayObserverOptions;
  readonly #admin: Admin;
  readonly #stop = new AbortController();
  #stateEnd: bigint | undefined;
  #current: ReplaySnapshot | undefined;
  #watching: Promise<void> | undefined;
  #watchStop: AbortController | undefined;
  #loop: Promise<void> | undefined;
  /** Why the replay state could not be read, for the view (undefined when it could). */
  #problem: string | undefined;

  constructor(options: ReplayObserverOptions) {
    this.#options = options;
    this.#admin = new Admin({ ...options.location.connection, clientId: `${options.location.connection.clientId ?? 'kalibra-demo'}-replay-view`, retries: 1 });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** The latest replay of the group as last seen, with fresh row figures (one query). */
  async snapshot(): Promise<{ replay: ReplaySnapshot | undefined; problem: string | undefined }> {
    const current = this.#current;
    if (current !== undefined) current.rows = await this.#options.rows(current.window).catch(() => current.rows);
    return { replay: current, problem: this.#problem };
  }

  async close(): Promise<void> {
    this.#stop.abort();
    this.#watchStop?.abort();
    await this.#loop?.catch(() => undefined);
    await this.#watching?.catch(() => undefined);
    await this.#admin.close().catch(() => undefined);
  }

  async #run(): Promise<void> {
    const { location } = this.#options;
    const pollMs = this.#options.pollMs ?? 2_000;
    while (!this.#stop.signal.aborted) {
      try {
        const end = await this.#stateTopicEnd();
        if (end !== this.#stateEnd) {
          const state = await readReplayState(location);
          this.#stateEnd = end;
          if (state.request !== undefined && state.request.epoch !== this.#current?.request.epoch) this.#follow(state.request);
        }
        this.#problem = undefined;
      } catch (error) {
        this.#problem = `replay state unreadable (${error instanceof Error ? error.message : String(error)})`;
      }
      await new Promise((resolve) => { setTimeout(resolve, pollMs).unref(); });
    }
  }

  async #stateTopicEnd(): Promise<bigint> {
    const { stateTopic } = this.#options.location;
    const [listed] = await this.#admin.listOffsets({ topics: [{ name: stateTopic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    return listed?.partitions[0]?.offset ?? 0n;
  }

  /** Starts following a newer request; the previous watch (if any) stops. */
  #follow(request: ReplayRequest): void {
    this.#watchStop?.abort();
    const stop = new AbortController();
    this.#watchStop = stop;
    const snapshot: ReplaySnapshot = { request, window: replayWindow(request), progress: undefined, rows: undefined };
    this.#current = snapshot;
    const signal = AbortSignal.any([stop.signal, this.#stop.signal]);
    this.#watching = (async () => {
      for await (const figure of watchReplay({ admin: this.#admin, location: this.#options.location, request, intervalMs: 1_000, signal })) {
        snapshot.progress = figure;
      }
    })().catch(() => undefined);
  }
}

/** The rows a request rewrites: reading time in [from, to or the request's time), of its sensors, calibrated after it. Pure. */
export function replayWindow(request: ReplayRequest): ReplayWindow {
  const requestedAtMs = Date.parse(request.createdAt);
  const selector = request.selector;
  return {
    fromMs: request.fromMs,
    toMs: request.toMs ?? requestedAtMs,
    sensors: isReplaySelector(selector) ? selector.sensors : null,
    requestedAtMs,
  };
}
