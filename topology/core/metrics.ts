// What the runtime reports about itself. The runtime calls these; an exporter (Prometheus,
// tests, logs) implements them. Every method must be cheap and must never throw.

export interface RuntimeMetrics {
  recordsIn(topic: string, partition: number, count: number): void;
  recordsOut(topic: string, count: number): void;
  deadLettered(code: string, count: number): void;
  transactionCommitted(latencyMs: number, records: number): void;
  transactionAborted(reason: string): void;
  consumerLag(topic: string, partition: number, lag: number): void;
  gateWait(ms: number): void;
  /** A record released by the gate: ms from the gate admitting its offset to its release (only gates that know when). */
  gateReleased?(ms: number): void;
  /** A committed transaction: per record, ms from its processing (its release by the gate) to the commit. */
  recordsCommitted?(latenciesMs: readonly number[]): void;
  /** Records a partition still has to re-read for the current replay request (0 when none is pending). */
  replayRemaining(topic: string, partition: number, records: number): void;
  stateChanged(state: string): void;
}

/** Discards everything: the default when nobody listens. */
export const noopMetrics: RuntimeMetrics = {
  recordsIn: () => undefined,
  recordsOut: () => undefined,
  deadLettered: () => undefined,
  transactionCommitted: () => undefined,
  transactionAborted: () => undefined,
  consumerLag: () => undefined,
  gateWait: () => undefined,
  replayRemaining: () => undefined,
  stateChanged: () => undefined,
};
