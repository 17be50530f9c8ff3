// RuntimeMetrics (topology/core/metrics.ts) exported to Prometheus. The runtime calls these
// on its hot path, so each is a label lookup and an add, and none may ever throw: a broken
// metric must not stop record processing.
import type { RuntimeMetrics } from '../../metrics.ts';
import type { MetricsRegistry } from './metrics-registry.ts';

/** Seconds; transaction commits and gate waits are milliseconds to a few seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function prometheusRuntimeMetrics(metrics: MetricsRegistry): RuntimeMetrics {
  const recordsIn = metrics.counter({ name: 'records_in_total', help: 'Records consumed from source topics.', labelNames: ['topic'] });
  const recordsOut = metrics.counter({ name: 'records_out_total', help: 'Records produced to output topics (DLQ included).', labelNames: ['topic'] });
  const deadLettered = metrics.counter({ name: 'dlq_records_total', help: 'Records sent to the dead-letter topic, by error code.', labelNames: ['code'] });
  const commits = metrics.histogram({ name: 'transaction_commit_seconds', help: 'Latency of Kafka transaction commits.', buckets: LATENCY_BUCKETS });
  const committedRecords = metrics.counter({ name: 'transaction_records_total', help: 'Records in committed transactions.' });
  const aborts = metrics.counter({ name: 'transactions_aborted_total', help: 'Aborted Kafka transactions, by reason.', labelNames: ['reason'] });
  const lag = metrics.gauge({ name: 'consumer_lag_records', help: 'Records between the committed position and the end of the partition.', labelNames: ['topic', 'partition'] });
  const gateWait = metrics.histogram({ name: 'gate_wait_seconds', help: 'Time records waited for the admission gate.', buckets: LATENCY_BUCKETS });
  const gateReleased = metrics.histogram({
    name: 'gate_release_seconds',
    help: 'Per record: time from the gate admitting its offset (the raw row committed, as the raw sink\'s NOTIFY tells) to its release for processing.',
    buckets: LATENCY_BUCKETS,
  });
  const recordCommits = metrics.histogram({
    name: 'record_commit_seconds',
    help: 'Per record: time from its release for processing (by the gate, if any) to its outputs committed in Kafka.',
    buckets: LATENCY_BUCKETS,
  });
  const replayRemaining = metrics.gauge({
    name: 'replay_remaining_records',
    help: 'Records a source partition still has to re-read for the current replay request, up to the end of the log when it was made (0 when none is pending).',
    labelNames: ['topic', 'partition'],
  });
  const state = metrics.gauge({ name: 'runtime_state', help: 'The runtime state: 1 for the current state, 0 for states it was in before.', labelNames: ['state'] });
  let currentState: string | undefined;

  const safely = (update: () => void): void => {
    try {
      update();
    } catch {
      // See the module comment: metrics are best effort.
    }
  };

  return {
    recordsIn: (topic, _partition, count) => safely(() => recordsIn.inc({ topic }, count)),
    recordsOut: (topic, count) => safely(() => recordsOut.inc({ topic }, count)),
    deadLettered: (code, count) => safely(() => deadLettered.inc({ code }, count)),
    transactionCommitted: (latencyMs, records) => safely(() => {
      commits.observe(latencyMs / 1000);
      committedRecords.inc(records);
    }),
    transactionAborted: (reason) => safely(() => aborts.inc({ reason })),
    consumerLag: (topic, partition, value) => safely(() => lag.set({ topic, partition: String(partition) }, value)),
    gateWait: (ms) => safely(() => gateWait.observe(ms / 1000)),
    gateReleased: (ms) => safely(() => gateReleased.observe(ms / 1000)),
    recordsCommitted: (latenciesMs) => safely(() => { for (const ms of latenciesMs) recordCommits.observe(ms / 1000); }),
    replayRemaining: (topic, partition, records) => safely(() => replayRemaining.set({ topic, partition: String(partition) }, records)),
    stateChanged: (next) => safely(() => {
      if (currentState !== undefined) state.set({ state: currentState }, 0);
      state.set({ state: next }, 1);
      currentState = next;
    }),
  };
}
