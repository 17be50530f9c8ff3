// Gate admission: a record is processed only once the gate (option `gate`, e.g. "what the raw
// sink has saved") admits its offset. It owns the wait for the gate to move and its abort on
// stop. It does not decide what happens to a record the gate holds back (the stream thread
// puts it back and commits first), never touches a transaction, and never throws into the loop.
import type { Gate } from '../gate.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import type { RuntimeMessage } from './record-source.ts';

/** Re-check at least this often, so stop and rebalances are seen while the gate is closed. */
const GATE_WAIT_CAP_MS = 1_000;

export class GateAdmission {
  readonly #gate: Gate | undefined;
  readonly #metrics: RuntimeMetrics;
  #abort: AbortController | undefined;

  constructor(gate: Gate | undefined, metrics: RuntimeMetrics) {
    this.#gate = gate;
    this.#metrics = metrics;
  }

  /** True when there is no gate, or it admits the message's offset (then the message is released: reported). */
  admits(message: RuntimeMessage): boolean {
    if (this.#gate === undefined) return true;
    const upTo = this.#gate.admittedUpTo(message.topic, message.partition);
    if (upTo === undefined || upTo <= message.offset) return false;
    const admittedAt = this.#gate.admittedAt?.(message.topic, message.partition, message.offset);
    if (admittedAt !== undefined) this.#metrics.gateReleased?.(Math.max(0, Date.now() - admittedAt));
    return true;
  }

  /** Waits until the gate may have moved, release() is called, or the cap passes; reports the wait. */
  async wait(): Promise<void> {
    const gate = this.#gate!;
    const abort = new AbortController();
    this.#abort = abort;
    const started = Date.now();
    const timer = setTimeout(() => abort.abort(), GATE_WAIT_CAP_MS);
    try {
      await Promise.race([
        gate.changed(abort.signal).catch(() => undefined),
        new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true })),
      ]);
    } finally {
      clearTimeout(timer);
      abort.abort();
      this.#metrics.gateWait(Date.now() - started);
    }
  }

  /** Ends the current wait at once (stop). */
  release(): void {
    this.#abort?.abort();
  }
}
