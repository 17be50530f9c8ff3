// The one Prometheus registry of a process, served on /metrics. Components register their
// own metrics through it (sink batch size, profile reloads, ...); names get the `kalibra_`
// prefix, and asking twice for the same metric returns the first one instead of throwing,
// so two components (or two instances of one) can share a metric safely.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metric } from 'prom-client';
import { OpsError } from '../errors.ts';

export const METRIC_PREFIX = 'kalibra_';

export interface MetricSpec<L extends string> {
  /** Without the prefix, e.g. `sink_batch_records`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  buckets?: number[];
}

export interface GaugeSpec<L extends string> extends MetricSpec<L> {
  /** Sets the (unlabelled) value at each scrape, e.g. from a check that is cheap to evaluate. */
  collect?: () => number | Promise<number>;
}

export interface MetricsRegistryOptions {
  /** Also export Node's process metrics (process_cpu_seconds_total, nodejs_heap_*...). Default true. */
  defaultMetrics?: boolean;
  /** Labels on every metric, e.g. {instance: 'calibrator-0'}. */
  defaultLabels?: Record<string, string>;
}

export class MetricsRegistry {
  readonly registry: Registry;

  constructor(options: MetricsRegistryOptions = {}) {
    this.registry = new Registry();
    if (options.defaultLabels !== undefined) this.registry.setDefaultLabels(options.defaultLabels);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = string>(spec: MetricSpec<L>): Counter<L> {
    return this.#getOrCreate(spec.name, Counter, () =>
      new Counter<L>({ name: METRIC_PREFIX + spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [this.registry] }));
  }

  gauge<L extends string = string>(spec: GaugeSpec<L>): Gauge<L> {
    const { collect } = spec;
    return this.#getOrCreate(spec.name, Gauge, () => new Gauge<L>({
      name: METRIC_PREFIX + spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [this.registry],
      ...(collect === undefined ? {} : { async collect(this: Gauge<L>) { this.set(await collect()); } }),
    }));
  }

  histogram<L extends string = string>(spec: HistogramSpec<L>): Histogram<L> {
    return this.#getOrCreate(spec.name, Histogram, () => new Histogram<L>({
      name: METRIC_PREFIX + spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [this.registry],
      ...(spec.buckets === undefined ? {} : { buckets: spec.buckets }),
    }));
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #getOrCreate<M extends Metric>(name: string, kind: abstract new (...args: never[]) => M, create: () => M): M {
    const existing = this.registry.getSingleMetric(METRIC_PREFIX + name);
    if (existing === undefined) return create();
    if (existing instanceof kind) return existing;
    // A programming error (same name, different kind), so it throws at registration, never later.
    throw new OpsError('METRIC_CONFLICT', `metric ${METRIC_PREFIX}${name} is already registered as another kind`);
  }
}
