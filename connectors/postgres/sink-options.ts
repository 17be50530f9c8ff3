// The options of one sink, validated once at construction with errors that name the option.
// Batches hold at most 5,000 records by default; there is no linger: a batch is written as soon
// as the previous write has finished (natural batching, sink-runtime.ts).
import type { KafkaConnectionOptions } from '../../topology/core/ops/index.ts';
import { SinkError } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';
import { mappings } from './mappings/by-name.ts';
import { MappingNames } from './mappings/mapping.ts';
import type { Mapping, MappingName } from './mappings/mapping.ts';
import { DEFAULT_WRITE_METHOD, WriteMethods } from './row-writers.ts';
import type { WriteMethod } from './row-writers.ts';
import type { SinkLogger } from './sink-log.ts';
import { silentLogger } from './sink-log.ts';
import type { SinkMetrics } from './sink-metrics.ts';

export interface SinkOptions {
  mapping: MappingName;
  topic: string;
  dlqTopic: string;
  /** Names this sink's rows in kalibra_sink_offsets; every replica of one sink shares it. */
  connector?: string;
  groupId?: string;
  /** Static group membership: a restarted process with the same id gets its partitions back at once. */
  instanceId?: string;
  schema?: string;
  databaseUrl: string;
  kafka: KafkaConnectionOptions;
  batchSize?: number;
  /** How often an idle sink looks for offsets past transaction markers, which arrive without a record (default 1000 ms). */
  idleCheckMs?: number;
  writeMethod?: WriteMethod;
  sessionTimeoutMs?: number;
  logger?: SinkLogger;
  metrics?: SinkMetrics;
}

export interface ResolvedSinkOptions extends Required<Omit<SinkOptions, 'mapping' | 'instanceId' | 'metrics'>> {
  mapping: Mapping;
  instanceId: string | undefined;
  metrics: SinkMetrics | undefined;
  logger: SinkLogger;
}

function positiveInteger(value: number, option: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SinkError('CONFIG_INVALID', `${option} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonEmpty(value: string | undefined, option: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SinkError('CONFIG_INVALID', `${option} must not be empty`);
  return value;
}

export function resolveSinkOptions(options: SinkOptions): ResolvedSinkOptions {
  if (!(MappingNames as readonly string[]).includes(options.mapping)) {
    throw new SinkError('CONFIG_INVALID', `mapping must be one of ${MappingNames.join(', ')}, got ${JSON.stringify(options.mapping)}`);
  }
  const method = options.writeMethod ?? DEFAULT_WRITE_METHOD;
  if (!(WriteMethods as readonly string[]).includes(method)) {
    throw new SinkError('CONFIG_INVALID', `writeMethod must be one of ${WriteMethods.join(', ')}, got ${JSON.stringify(method)}`);
  }
  if (!Array.isArray(options.kafka.bootstrapBrokers) || options.kafka.bootstrapBrokers.length === 0) {
    throw new SinkError('CONFIG_INVALID', 'kafka.bootstrapBrokers must list at least one broker');
  }
  const connector = nonEmpty(options.connector ?? `kalibra-sink-${options.mapping}`, 'connector');
  return {
    ...options,
    mapping: mappings[options.mapping],
    topic: nonEmpty(options.topic, 'topic'),
    dlqTopic: nonEmpty(options.dlqTopic, 'dlqTopic'),
    connector,
    groupId: nonEmpty(options.groupId ?? connector, 'groupId'),
    instanceId: options.instanceId === undefined ? undefined : nonEmpty(options.instanceId, 'instanceId'),
    schema: checkIdentifier(options.schema ?? 'public', 'schema'),
    databaseUrl: nonEmpty(options.databaseUrl, 'databaseUrl'),
    batchSize: positiveInteger(options.batchSize ?? 5_000, 'batchSize'),
    idleCheckMs: positiveInteger(options.idleCheckMs ?? 1_000, 'idleCheckMs'),
    writeMethod: method,
    sessionTimeoutMs: positiveInteger(options.sessionTimeoutMs ?? 30_000, 'sessionTimeoutMs'),
    logger: options.logger ?? silentLogger,
    metrics: options.metrics,
  };
}
