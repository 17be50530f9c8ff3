// Makes a Kafka cluster's topics match the desired specs (topics.ts), or, in check mode,
// only reports how they differ. It fixes what is safe to fix (missing topics, topic
// configs) and never changes what is not: it never adds partitions to a keyed topic
// (that would reorder a sensor's readings), never removes partitions, never moves replicas.
import { ConfigResourceTypes, IncrementalAlterConfigOperationTypes, MultipleErrors } from '@platformatic/kafka';
import type { Admin } from '@platformatic/kafka';
import type { TopicSpec } from '../../contract/topics.ts';

export const TopicDriftKinds = [
  'missing',            // the topic does not exist
  'config',             // a topic config differs from the desired value
  'partitions-fewer',   // fewer partitions than desired
  'partitions-more',    // more partitions than desired (never decreased)
  'replication',        // a different replication factor (changing it needs a reassignment)
] as const;
export type TopicDriftKind = (typeof TopicDriftKinds)[number];

export interface TopicDrift {
  readonly topic: string;
  readonly kind: TopicDriftKind;
  /** For 'config': the config name. */
  readonly config?: string;
  readonly actual: string | null;
  readonly desired: string;
  /** What apply did about it: fixed it, or left it alone (and why, in `reason`). */
  readonly resolution: 'fixed' | 'would-fix' | 'left';
  readonly reason?: string;
}

export interface ApplyTopicsOptions {
  admin: Admin;
  topics: readonly TopicSpec[];
  /** Change nothing; report what apply would do. */
  check?: boolean;
}

export interface ApplyTopicsReport {
  readonly drift: readonly TopicDrift[];
  /** True when, after this run, the cluster matches the desired specs. */
  readonly inSync: boolean;
}

interface Observed {
  partitions: number;
  replicationFactor: number;
}

async function observe(admin: Admin, names: string[]): Promise<Map<string, Observed>> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((name) => existing.has(name));
  const observed = new Map<string, Observed>();
  if (present.length === 0) return observed;
  const metadata = await admin.metadata({ topics: present, forceUpdate: true });
  for (const name of present) {
    const topic = metadata.topics.get(name);
    if (topic === undefined) continue;
    observed.set(name, {
      partitions: topic.partitionsCount,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
    });
  }
  return observed;
}

async function currentConfigs(admin: Admin, topics: readonly TopicSpec[]): Promise<Map<string, Map<string, string | null>>> {
  const described = await admin.describeConfigs({
    resources: topics.map((t) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: t.name,
      configurationKeys: Object.keys(t.configs),
    })),
  });
  return new Map(described.map((resource) =>
    [resource.resourceName, new Map(resource.configs.map((c) => [c.name, c.value ?? null]))]));
}

function structuralDrift(spec: TopicSpec, actual: Observed): TopicDrift[] {
  const drift: TopicDrift[] = [];
  if (actual.partitions < spec.partitions) {
    drift.push({
      topic: spec.name, kind: 'partitions-fewer', actual: String(actual.partitions), desired: String(spec.partitions),
      resolution: 'left',
      reason: spec.keyed
        ? 'adding partitions to a keyed topic moves sensors to other partitions and breaks their order; recreate the topic or migrate deliberately'
        : 'not increased automatically',
    });
  } else if (actual.partitions > spec.partitions) {
    drift.push({
      topic: spec.name, kind: 'partitions-more', actual: String(actual.partitions), desired: String(spec.partitions),
      resolution: 'left', reason: 'Kafka cannot remove partitions; pass --partitions to match the cluster',
    });
  }
  if (actual.replicationFactor !== spec.replicationFactor) {
    drift.push({
      topic: spec.name, kind: 'replication', actual: String(actual.replicationFactor), desired: String(spec.replicationFactor),
      resolution: 'left', reason: 'changing the replication factor needs a partition reassignment (kafka-reassign-partitions)',
    });
  }
  return drift;
}

/** Waits (bounded) until the broker's metadata lists `names`: a topic just created elsewhere may lag. */
async function visible(admin: Admin, names: string[], deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const listed = new Set(await admin.listTopics());
    if (names.every((n) => listed.has(n)) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alreadyExists(error: unknown): boolean {
  return error instanceof MultipleErrors && error.findBy('apiId', 'TOPIC_ALREADY_EXISTS') !== null;
}

/** Compares the cluster with `topics`; unless `check`, creates missing topics and fixes configs. */
export async function applyTopics(options: ApplyTopicsOptions): Promise<ApplyTopicsReport> {
  return reconcile(options, true);
}

async function reconcile(options: ApplyTopicsOptions, mayRetry: boolean): Promise<ApplyTopicsReport> {
  const { admin, topics } = options;
  const check = options.check ?? false;
  const fix = check ? 'would-fix' : 'fixed';
  const observed = await observe(admin, topics.map((t) => t.name));
  const drift: TopicDrift[] = [];
  const raced: TopicSpec[] = [];

  for (const spec of topics.filter((t) => !observed.has(t.name))) {
    if (check) {
      drift.push({ topic: spec.name, kind: 'missing', actual: null, desired: `${spec.partitions} partitions`, resolution: fix });
      continue;
    }
    try {
      // One request per topic: createTopics applies one partition count and config set to all names it gets.
      await admin.createTopics({
        topics: [spec.name],
        partitions: spec.partitions,
        replicas: spec.replicationFactor,
        configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
      });
      drift.push({ topic: spec.name, kind: 'missing', actual: null, desired: `${spec.partitions} partitions`, resolution: fix });
    } catch (error) {
      // Created meanwhile by someone else, or not yet in the broker's metadata cache: inspect it as existing.
      if (!mayRetry || !alreadyExists(error)) throw error;
      raced.push(spec);
    }
  }
  if (raced.length > 0) {
    await visible(admin, raced.map((t) => t.name));
    drift.push(...(await reconcile({ ...options, topics: raced }, false)).drift);
  }

  const present = topics.filter((t) => observed.has(t.name));
  const configs = present.length === 0 ? new Map<string, Map<string, string | null>>() : await currentConfigs(admin, present);
  for (const spec of present) {
    drift.push(...structuralDrift(spec, observed.get(spec.name)!));
    const current = configs.get(spec.name) ?? new Map<string, string | null>();
    const changes = Object.entries(spec.configs).filter(([name, value]) => current.get(name) !== value);
    for (const [name, value] of changes) {
      drift.push({ topic: spec.name, kind: 'config', config: name, actual: current.get(name) ?? null, desired: value, resolution: fix });
    }
    if (check || changes.length === 0) continue;
    // Incremental SET touches only the named configs, leaving other overrides on the topic alone.
    await admin.incrementalAlterConfigs({
      resources: [{
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: spec.name,
        configs: changes.map(([name, value]) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.SET, value })),
      }],
    });
  }

  const inSync = drift.every((d) => d.resolution === 'fixed');
  return { drift, inSync };
}

/** One line per finding, for people; a topic without findings gets one line saying it is as desired. */
export function formatTopicsReport(report: ApplyTopicsReport, topics: readonly TopicSpec[]): string[] {
  const lines: string[] = [];
  for (const spec of topics) {
    const findings = report.drift.filter((d) => d.topic === spec.name);
    if (findings.length === 0) {
      lines.push(`${spec.name}: as desired (${spec.partitions} partitions, replication ${spec.replicationFactor})`);
      continue;
    }
    for (const d of findings) {
      const what = d.kind === 'missing' ? `missing (${d.desired})`
        : d.kind === 'config' ? `${d.config}=${d.actual ?? '(unset)'}, desired ${d.desired}`
          : `${d.kind === 'replication' ? 'replication factor' : 'partitions'} ${d.actual}, desired ${d.desired}`;
      const done = d.resolution === 'fixed' ? d.kind === 'missing' ? 'created' : 'fixed'
        : d.resolution === 'would-fix' ? 'apply would fix this' : `left unchanged: ${d.reason ?? ''}`;
      lines.push(`${spec.name}: ${what} -> ${done}`);
    }
  }
  return lines;
}
