// An admission gate: the runtime processes a record only once the gate admits its offset.
// Kalibra uses it to calibrate only raw readings that the raw sink has already saved; the
// gate's implementation lives with whoever knows what "saved" means (connectors/), and is
// passed in. topology/core only knows offsets.

export interface Gate {
  /**
   * The first offset of `topic`/`partition` that is NOT yet admitted: every offset below it
   * may be processed. undefined means nothing is admitted yet.
   */
  admittedUpTo(topic: string, partition: number): bigint | undefined;
  /**
   * Resolves when the admitted offset of any partition may have advanced (or when `signal`
   * aborts). Spurious wake-ups are allowed; the runtime re-reads admittedUpTo.
   */
  changed(signal: AbortSignal): Promise<void>;
  /**
   * Optional, for the latency metrics: when (epoch ms) the gate first admitted `offset`, if it
   * still knows. Asked once per released record, in offset order per partition.
   */
  admittedAt?(topic: string, partition: number, offset: bigint): number | undefined;
}
