// What both save-before-calibrate gates keep (the Postgres gate over our raw sink's offsets
// table, the Connect gate over the raw connector's committed offsets): the admitted offset per
// partition of the gated topic, which only moves forward, when each admission happened (for
// the release latency metric), and the waiters to wake when something new is admitted. Where
// the offsets come from is the gates' business; this never reads or writes anything.

/** Admission times kept per partition for admittedAt(), bounded while nothing asks (a calibrator not consuming that partition). */
const MAX_ADMISSIONS_KEPT = 1_000;

export class Admissions {
  readonly #topic: string;
  readonly #admitted = new Map<number, bigint>();
  /** partition → admissions not yet asked about by admittedAt(), oldest first. */
  readonly #times = new Map<number, { next: bigint; at: number }[]>();
  readonly #waiters = new Set<() => void>();
  #closed = false;

  constructor(topic: string) {
    this.#topic = topic;
  }

  /** Records that offsets below `next` of `partition` may pass; ignored unless it moves forward. */
  admit(partition: number, next: bigint): void {
    if (next <= (this.#admitted.get(partition) ?? -1n)) return;
    this.#admitted.set(partition, next);
    let times = this.#times.get(partition);
    if (times === undefined) this.#times.set(partition, times = []);
    times.push({ next, at: Date.now() });
    if (times.length > MAX_ADMISSIONS_KEPT) times.splice(0, times.length - MAX_ADMISSIONS_KEPT);
    this.#wakeAll();
  }

  admittedUpTo(topic: string, partition: number): bigint | undefined {
    return topic === this.#topic ? this.#admitted.get(partition) : undefined;
  }

  /** When (epoch ms) `offset` was first admitted; forgets the admissions below it (asked in offset order). */
  admittedAt(topic: string, partition: number, offset: bigint): number | undefined {
    if (topic !== this.#topic) return undefined;
    const times = this.#times.get(partition);
    if (times === undefined) return undefined;
    const index = times.findIndex((admission) => admission.next > offset);
    if (index === -1) return undefined;
    if (index > 0) times.splice(0, index);
    return times[0]!.at;
  }

  /** Resolves at the next admission, on abort, or at once when closed. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.#closed) { resolve(); return; }
      const done = (): void => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiter now and from then on. */
  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
