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
