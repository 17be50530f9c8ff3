// The runtime's one options object: what a caller may set, the defaults, and the single
// validation pass at construction whose errors name the option. Nothing here talks to Kafka.
import type { ConnectionOptions } from '@platformatic/kafka';
import { errorHandlerOption } from '../error-handler.ts';
import type { ErrorHandler } from '../error-handler.ts';
import { CoreError } from '../errors.ts';
import type { Gate } from '../gate.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import { noopMetrics } from '../metrics.ts';
import type { SourceRecord, TaskFactory } from '../task.ts';

export const ProcessingGuarantees = ['exactly_once', 'at_least_once'] as const;
export type ProcessingGuarantee = (typeof ProcessingGuarantees)[number];

export interface RuntimeLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Kafka connection settings passed through unchanged to every client (TLS, SASL, timeouts). */
export type KafkaConnection = Pick<ConnectionOptions, 'tls' | 'sasl' | 'tlsServerName' | 'connectTimeout'> & {
  clientId?: string;
};

export interface StreamsRuntimeOptions {
  brokers: string[];
  connection?: KafkaConnection;
  /** Consumer group id, and the prefix of the transactional id. */
  applicationId: string;
  /** Stable per instance (e.g. the pod name): the transactional id is `${applicationId}-${instanceId}`. */
  instanceId: string;
  taskFactory: TaskFactory;
  processingGuarantee?: ProcessingGuarantee;
  /**
   * Upper bound on a transaction's age while records keep coming (default 100). A transaction
   * commits as soon as no record is at hand (natural batching), so an idle runtime never waits
   * for it; records that arrive during a commit make the next transaction.
   */
  commitIntervalMs?: number;
  commitMaxRecords?: number;
  /**
   * Back-pressure: the most bytes one fetch may bring in (default 1 MiB; 1 MiB at most per
   * partition, as Kafka's Java consumer). With at most 2 × commitMaxRecords records buffered
   * before fetching pauses, this bounds the memory a backlog can take, whatever its size.
   */
  fetchMaxBytes?: number;
  dlqTopic?: string;
  /**
   * What happens to a record a task reports through io.deadLetter (or whose processor throws);
   * the same option as the TopologyTestDriver's. Default: dead-letter (needs dlqTopic).
   */
  onError?: ErrorHandler;
  gate?: Gate;
  /**
   * The part of an output key that chooses its partition (Java murmur2, like Kafka's Java
   * client); default the whole key. Kalibra hashes the sensor part of `<sensor>|<ts>` so one
   * sensor's readings stay in order on one partition. An explicit output partition wins.
   */
  partitionKey?: (key: Buffer) => Buffer;
  metrics?: RuntimeMetrics;
  logger?: RuntimeLogger;
  /** Broker-side timeout of an open transaction; bounds how long a crashed instance can block readers. */
  transactionTimeoutMs?: number;
  /** How long the group waits for a silent member before moving its partitions. */
  sessionTimeoutMs?: number;
  shutdownTimeoutMs?: number;
  /** Stop cleanly on SIGTERM and SIGINT. */
  handleSignals?: boolean;
  lagIntervalMs?: number;
  /**
   * Online replay (bin/replay): the runtime tails `stateTopic` (the replay-state topic) and
   * applies each request for its group at a transaction boundary. Inside an applied window,
   * records for which `selects(record, request.selector)` is false are skipped (their offsets
   * still advance); without `selects` every record of the window is re-processed. Requires
   * exactly_once. Without this option the runtime ignores replay requests.
   */
  replay?: ReplayOptions;
}

export interface ReplayOptions {
  stateTopic: string;
  selects?: (record: SourceRecord, selector: unknown) => boolean;
}

export interface ResolvedRuntimeOptions {
  brokers: string[];
  connection: KafkaConnection;
  applicationId: string;
  instanceId: string;
  transactionalId: string;
  taskFactory: TaskFactory;
  processingGuarantee: ProcessingGuarantee;
  commitIntervalMs: number;
  commitMaxRecords: number;
  fetchMaxBytes: number;
  dlqTopic: string | undefined;
  onError: ErrorHandler;
  gate: Gate | undefined;
  partitionKey: ((key: Buffer) => Buffer) | undefined;
  metrics: RuntimeMetrics;
  logger: RuntimeLogger;
  transactionTimeoutMs: number;
  sessionTimeoutMs: number;
  shutdownTimeoutMs: number;
  handleSignals: boolean;
  lagIntervalMs: number;
  replay: ReplayOptions | undefined;
}

export const silentLogger: RuntimeLogger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
};

const KAFKA_ID = /^[a-zA-Z0-9._-]+$/;

function invalid(option: string, why: string): CoreError {
  return new CoreError('CONFIG_INVALID', `StreamsRuntime option '${option}' ${why}`);
}

function integer(value: unknown, option: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(option, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value) ?? 'undefined'}`);
  }
  return value;
}

function identifier(value: unknown, option: string): string {
  if (typeof value !== 'string' || !KAFKA_ID.test(value)) {
    throw invalid(option, 'must be a non-empty string of letters, digits, ".", "_" or "-"');
  }
  return value;
}

function checkTaskFactory(factory: unknown): TaskFactory {
  const candidate = factory as Partial<TaskFactory> | undefined;
  if (typeof candidate?.createTask !== 'function') throw invalid('taskFactory', 'must have a createTask(io) function');
  if (!Array.isArray(candidate.sourceTopics) || candidate.sourceTopics.length === 0) {
    throw invalid('taskFactory', 'must read at least one source topic (sourceTopics is empty)');
  }
  for (const topic of candidate.sourceTopics) identifier(topic, 'taskFactory.sourceTopics[]');
  return candidate as TaskFactory;
}

export function resolveOptions(options: StreamsRuntimeOptions): ResolvedRuntimeOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  if (!Array.isArray(options.brokers) || options.brokers.length === 0
    || options.brokers.some((b) => typeof b !== 'string' || !/^[^:\s]+:\d+$/.test(b))) {
    throw invalid('brokers', 'must be a non-empty list of host:port strings');
  }
  const applicationId = identifier(options.applicationId, 'applicationId');
  const instanceId = identifier(options.instanceId, 'instanceId');
  const guarantee = options.processingGuarantee ?? 'exactly_once';
  if (!ProcessingGuarantees.includes(guarantee)) {
    throw invalid('processingGuarantee', `must be one of ${ProcessingGuarantees.join(', ')}, got ${String(guarantee)}`);
  }
  const dlqTopic = options.dlqTopic === undefined ? undefined : identifier(options.dlqTopic, 'dlqTopic');
  const taskFactory = checkTaskFactory(options.taskFactory);
  if (dlqTopic !== undefined && taskFactory.sourceTopics.includes(dlqTopic)) {
    throw invalid('dlqTopic', `must not be one of the source topics (${dlqTopic})`);
  }
  const gate = options.gate;
  if (gate !== undefined && (typeof gate.admittedUpTo !== 'function' || typeof gate.changed !== 'function')) {
    throw invalid('gate', 'must implement admittedUpTo() and changed()');
  }
  const replay = replayOption(options.replay, taskFactory, guarantee);
  if (options.partitionKey !== undefined && typeof options.partitionKey !== 'function') {
    throw invalid('partitionKey', 'must be a function (key: Buffer) => Buffer');
  }
  const sessionTimeoutMs = integer(options.sessionTimeoutMs, 'sessionTimeoutMs', 10_000, 6_000, 300_000);
  return {
    brokers: [...options.brokers],
    connection: { ...options.connection },
    applicationId,
    instanceId,
    transactionalId: `${applicationId}-${instanceId}`,
    taskFactory,
    processingGuarantee: guarantee,
    commitIntervalMs: integer(options.commitIntervalMs, 'commitIntervalMs', 100, 1, 60_000),
    commitMaxRecords: integer(options.commitMaxRecords, 'commitMaxRecords', 2_000, 1, 100_000),
    fetchMaxBytes: integer(options.fetchMaxBytes, 'fetchMaxBytes', 2 ** 20, 64 * 1024, 256 * 2 ** 20),
    dlqTopic,
    onError: errorHandlerOption(options.onError, "StreamsRuntime option 'onError'"),
    gate,
    partitionKey: options.partitionKey,
    metrics: options.metrics ?? noopMetrics,
    logger: options.logger ?? silentLogger,
    transactionTimeoutMs: integer(options.transactionTimeoutMs, 'transactionTimeoutMs', 10_000, 1_000, 900_000),
    sessionTimeoutMs,
    shutdownTimeoutMs: integer(options.shutdownTimeoutMs, 'shutdownTimeoutMs', 10_000, 100, 600_000),
    handleSignals: options.handleSignals ?? false,
    lagIntervalMs: integer(options.lagIntervalMs, 'lagIntervalMs', 5_000, 100, 3_600_000),
    replay,
  };
}

function replayOption(replay: unknown, taskFactory: TaskFactory, guarantee: ProcessingGuarantee): ReplayOptions | undefined {
  if (replay === undefined) return undefined;
  if (typeof replay !== 'object' || replay === null) throw invalid('replay', 'must be an object { stateTopic, selects? }');
  const candidate = replay as Partial<ReplayOptions>;
  const stateTopic = identifier(candidate.stateTopic, 'replay.stateTopic');
  if (taskFactory.sourceTopics.includes(stateTopic)) throw invalid('replay.stateTopic', `must not be one of the source topics (${stateTopic})`);
  if (candidate.selects !== undefined && typeof candidate.selects !== 'function') throw invalid('replay.selects', 'must be a function (record, selector) => boolean');
  // The applied mark and the rewound offset are only atomic inside a transaction.
  if (guarantee !== 'exactly_once') throw invalid('replay', 'needs processingGuarantee exactly_once');
  return { stateTopic, ...(candidate.selects ? { selects: candidate.selects } : {}) };
}

/**
 * The connection settings to spread into a client's options. Only the ones that are set: the
 * clients merge options over their defaults, so an explicit `undefined` would erase a default
 * (connectTimeout: undefined means a 1 ms connect timeout).
 */
export function clientConnection(connection: KafkaConnection): Omit<KafkaConnection, 'clientId'> {
  // Picked by name: the object may be a wider one (e.g. ops' KafkaConnectionOptions with bootstrapBrokers).
  const { tls, sasl, tlsServerName, connectTimeout } = connection;
  return Object.fromEntries(Object.entries({ tls, sasl, tlsServerName, connectTimeout }).filter(([, value]) => value !== undefined));
}
