// The sink's Prometheus metrics, in a registry of their own so a test or a process can
// hold several sinks without name clashes. The runtime calls the methods; they never throw.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class SinkMetrics {
  readonly registry: Registry;
  readonly records: Counter;
  readonly deadLettered: Counter;
  readonly batchSize: Histogram;
  readonly batchLatency: Histogram;
  readonly offsetConflicts: Counter;
  readonly databaseErrors: Counter;
  readonly lag: Gauge;
  readonly ready: Gauge;

  constructor(labels: { connector: string; topic: string }, registry = new Registry()) {
    this.registry = registry;
    registry.setDefaultLabels(labels);
    this.records = new Counter({ name: 'kalibra_sink_records_total', help: 'Records committed to Postgres', labelNames: ['partition'], registers: [registry] });
    this.deadLettered = new Counter({ name: 'kalibra_sink_dead_lettered_total', help: 'Records sent to the DLQ', labelNames: ['code'], registers: [registry] });
    this.batchSize = new Histogram({ name: 'kalibra_sink_batch_records', help: 'Records per committed batch', buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000], registers: [registry] });
    this.batchLatency = new Histogram({ name: 'kalibra_sink_batch_commit_seconds', help: 'Time from BEGIN to COMMIT of a batch', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
    this.offsetConflicts = new Counter({ name: 'kalibra_sink_offset_conflicts_total', help: 'Batches rolled back because another sink advanced the offset', registers: [registry] });
    this.databaseErrors = new Counter({ name: 'kalibra_sink_database_errors_total', help: 'Failed database attempts (retried)', registers: [registry] });
    this.lag = new Gauge({ name: 'kalibra_sink_lag_records', help: 'End offset minus stored next_offset', labelNames: ['partition'], registers: [registry] });
    this.ready = new Gauge({ name: 'kalibra_sink_ready', help: '1 when consuming and Postgres is reachable', registers: [registry] });
  }
}
