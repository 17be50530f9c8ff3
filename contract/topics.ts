// The topics Kalibra's calibration pipeline needs, with their partitions and configs: the
// single source of truth that `bin/topics apply` creates and checks and that k8s/ KafkaTopic
// resources must equal (a unit test compares them). Pure values; it never talks to a broker.
import { OpsError } from '../topology/core/ops/index.ts';

export const TopicRoles = ['raw', 'calibrated', 'dlq', 'replayState'] as const;
export type TopicRole = (typeof TopicRoles)[number];

/** Default names (docs/architecture.md#topics); contract/topic-options.ts declares the KALIBRA_TOPIC_* options that override them. */
export const defaultTopicNames: Readonly<Record<TopicRole, string>> = {
  raw: 'readings.raw',
  calibrated: 'readings.calibrated',
  dlq: 'readings.dlq',
  replayState: 'readings.replay-state',
};

/**
 * Six partitions: partitions cap how many calibrator and sink instances can share the work,
 * and they can never be added later without moving sensors to other partitions (keys are
 * hashed by sensor, and per-sensor order would break across the move). Six divides evenly
 * among 1, 2, 3 or 6 instances and costs nothing noticeable on a home-sized broker.
 */
export const DEFAULT_PARTITIONS = 6;
/** One replica locally; production overlays pass 3. */
export const DEFAULT_REPLICATION_FACTOR = 1;
/**
 * The replay state is one small record per raw partition and calibrator group, read in full
 * on every assignment: one partition keeps it totally ordered and cheap to read.
 */
export const REPLAY_STATE_PARTITIONS = 1;
export const DLQ_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface TopicSpec {
  readonly role: TopicRole;
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level configs, as the broker reports them (strings). */
  readonly configs: Readonly<Record<string, string>>;
  /** Keyed by sensor: adding partitions would reorder a sensor's readings. */
  readonly keyed: boolean;
}

export interface TopicSpecOptions {
  names?: Partial<Record<TopicRole, string>>;
  /** Partitions of the reading topics (raw, calibrated, dlq). */
  partitions?: number;
  replicationFactor?: number;
  /** Defaults to 2 from three replicas up (one broker may be down), else 1. */
  minInsyncReplicas?: number;
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) {
    throw new OpsError('CONFIG_INVALID', `${option} must be a positive integer, got ${String(value)}`);
  }
  return chosen;
}

/** The desired topics, in a stable order (raw, calibrated, dlq, replay state). */
export function desiredTopics(options: TopicSpecOptions = {}): TopicSpec[] {
  const partitions = positiveInteger('partitions', options.partitions, DEFAULT_PARTITIONS);
  const replicationFactor = positiveInteger('replicationFactor', options.replicationFactor, DEFAULT_REPLICATION_FACTOR);
  const minInsync = positiveInteger('minInsyncReplicas', options.minInsyncReplicas, replicationFactor >= 3 ? 2 : 1);
  if (minInsync > replicationFactor) {
    throw new OpsError('CONFIG_INVALID',
      `minInsyncReplicas (${minInsync}) must not exceed replicationFactor (${replicationFactor}): every write would fail`);
  }
  const names = { ...defaultTopicNames, ...options.names };
  const seen = new Set<string>();
  for (const role of TopicRoles) {
    const name = names[role];
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
      throw new OpsError('CONFIG_INVALID', `names.${role}: '${name}' is not a valid Kafka topic name`);
    }
    if (seen.has(name)) throw new OpsError('CONFIG_INVALID', `names.${role}: '${name}' is used for two topics`);
    seen.add(name);
  }
  // Every topic is written with acks=all (transactions); min.insync.replicas is what makes that durable.
  const durable = { 'min.insync.replicas': String(minInsync) };
  const spec = (role: TopicRole, count: number, keyed: boolean, configs: Record<string, string>): TopicSpec =>
    ({ role, name: names[role], partitions: count, replicationFactor, keyed, configs: { ...configs, ...durable } });
  return [
    // The source of truth: kept forever; the key is unique per reading, so compaction only drops re-sends.
    spec('raw', partitions, true, { 'cleanup.policy': 'compact', 'retention.ms': '-1' }),
    spec('calibrated', partitions, true, { 'cleanup.policy': 'compact' }),
    spec('dlq', partitions, true, { 'cleanup.policy': 'delete', 'retention.ms': String(DLQ_RETENTION_MS) }),
    spec('replayState', REPLAY_STATE_PARTITIONS, true, { 'cleanup.policy': 'compact' }),
  ];
}
