// The sink's Prometheus metrics, registered on the process's registry (topology/core/ops).
// The runtime calls them; prom-client metrics never throw on use.
import type { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '../../topology/core/ops/index.ts';

/** Seconds: a record's way through one stage or the pipeline, milliseconds to seconds. */
const RECORD_LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30];

export class SinkMetrics {
  readonly records: Counter<'partition'>;
  readonly deadLettered: Counter<'code'>;
  readonly batchSize: Histogram;
  readonly batchLatency: Histogram;
  readonly offsetConflicts: Counter;
  readonly databaseErrors: Counter;
  readonly recordAge: Histogram;
  readonly recordCommit: Histogram;
  readonly lag: Gauge<'partition'>;
  readonly ready: Gauge;

  constructor(registry = new MetricsRegistry({ defaultMetrics: false })) {
    this.records = registry.counter({ name: 'sink_records_total', help: 'Records committed to Postgres', labelNames: ['partition'] });
    this.deadLettered = registry.counter({ name: 'sink_dead_lettered_total', help: 'Records sent to the DLQ', labelNames: ['code'] });
    this.batchSize = registry.histogram({ name: 'sink_batch_records', help: 'Records per committed batch', buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000] });
    this.batchLatency = registry.histogram({ name: 'sink_batch_commit_seconds', help: 'Time from BEGIN to COMMIT of a batch', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
    this.offsetConflicts = registry.counter({ name: 'sink_offset_conflicts_total', help: 'Batches rolled back because another sink advanced the offset' });
    this.databaseErrors = registry.counter({ name: 'sink_database_errors_total', help: 'Failed database attempts (retried)' });
    this.recordAge = registry.histogram({
      name: 'sink_record_age_seconds',
      help: 'Per record: time from its Kafka timestamp (the reading\'s ts) to its row committed. On the raw sink the stage produce → raw row committed; on the calibrated sink the whole pipeline, end to end',
      buckets: RECORD_LATENCY_BUCKETS,
    });
    this.recordCommit = registry.histogram({
      name: 'sink_record_commit_seconds',
      help: 'Per record: time from the sink taking it from Kafka (so after its Kafka commit) to its row committed in Postgres',
      buckets: RECORD_LATENCY_BUCKETS,
    });
    this.lag = registry.gauge({ name: 'sink_lag_records', help: 'End offset minus stored next_offset', labelNames: ['partition'] });
    this.ready = registry.gauge({ name: 'sink_ready', help: '1 when consuming and Postgres is reachable' });
  }

  /** One committed batch: the partition of each record, the DLQ code of each dead letter, BEGIN→COMMIT time. */
  batchCommitted(partitions: readonly number[], deadLetterCodes: readonly string[], latencyMs: number): void {
    const perPartition = new Map<number, number>();
    for (const partition of partitions) perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
    for (const [partition, count] of perPartition) this.records.inc({ partition: String(partition) }, count);
    for (const code of deadLetterCodes) this.deadLettered.inc({ code });
    this.batchSize.observe(partitions.length);
    this.batchLatency.observe(latencyMs / 1000);
  }

  /**
   * The records of a committed batch: `takenAt` (performance.now(), one per record) is when the
   * sink took each from Kafka, `committedAt` the same clock at COMMIT, `nowMs` the wall clock then.
   */
  recordsLatency(records: readonly { timestamp: bigint }[], takenAt: readonly number[], committedAt: number, nowMs: number): void {
    for (let i = 0; i < records.length; i++) {
      this.recordAge.observe(Math.max(0, nowMs - Number(records[i]!.timestamp)) / 1000);
      this.recordCommit.observe((committedAt - takenAt[i]!) / 1000);
    }
  }
}
