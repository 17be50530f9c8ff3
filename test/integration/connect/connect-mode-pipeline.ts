// Connect mode for the integration tests: private topics and a migrated schema, the committed
// connector configs of connectors/kafka-connect/ pointed at them on a real worker, and
// bin/calibrator in Connect mode (gate on the raw connector's committed offsets, Connect JSON
// out). Every connector, consumer group, topic and schema goes away when the test finishes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import type pg from 'pg';
import { onTestFinished } from 'vitest';
import { migrate } from '../../../connectors/postgres/migrate.ts';
import { connectorGroup } from '../../../connectors/postgres/connect-gate.ts';
import { sensorPart } from '../../../contract/reading-key.ts';
import { javaCompatiblePartitioner } from '../../../topology/index.ts';
import { spawnBin } from '../../helpers/pipeline-processes.ts';
import type { PipelineProcess } from '../../helpers/pipeline-processes.ts';
import { repoRoot, sinkSchema } from '../../helpers/sink-fixtures.ts';
import { brokers, createTopics, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';
import { connectorStatus, deleteConnector, deleteGroups, putConnector, readLog } from './connect-worker.ts';
import type { ConnectWorker } from './connect-worker.ts';

export type ConnectorRole = 'raw' | 'calibrated';

const committedConfig = (role: ConnectorRole): Record<string, string> =>
  (JSON.parse(readFileSync(join(repoRoot, 'connectors', 'kafka-connect', `${role}-jdbc-sink.json`), 'utf8')) as { config: Record<string, string> }).config;

export interface ConnectModePipeline {
  id: string;
  raw: string;
  calibrated: string;
  dlq: string;
  replayState: string;
  schema: string;
  partitions: number;
  db: pg.Client;
  /** The connector names (their consumer groups are connect-<name>). */
  connectors: Record<ConnectorRole, string>;
}

/** Topics (raw and calibrated compacted, as in production) and a schema migrated as our sinks would. */
export async function connectModePipeline(options: { partitions: number; prefix?: string }): Promise<ConnectModePipeline> {
  const id = uniqueName(options.prefix ?? 'connect-mode');
  const raw = `${id}.raw`, calibrated = `${id}.calibrated`, dlq = `${id}.dlq`, replayState = `${id}.replay-state`;
  await createTopics([raw, calibrated], { partitions: options.partitions, configs: { 'cleanup.policy': 'compact' } });
  await createTopics([dlq]);
  await createTopics([replayState], { configs: { 'cleanup.policy': 'compact' } });
  const schema = sinkSchema();
  const db = await pgClient();
  await migrate(db, schema);
  return {
    id, raw, calibrated, dlq, replayState, schema, partitions: options.partitions, db,
    connectors: { raw: `${id}-raw-jdbc-sink`, calibrated: `${id}-calibrated-jdbc-sink` },
  };
}

/** Creates a committed connector for this pipeline (its topic, table and readings.dlq stand-in) and waits until it runs. */
export async function startConnector(worker: ConnectWorker, pipeline: ConnectModePipeline, role: ConnectorRole,
  overrides: Record<string, string> = {}): Promise<void> {
  const name = pipeline.connectors[role];
  onTestFinished(async () => {
    await deleteConnector(worker, name);
    await deleteGroups([connectorGroup(name)]);
  });
  await putConnector(worker, name, {
    ...committedConfig(role),
    'topics': role === 'raw' ? pipeline.raw : pipeline.calibrated,
    'collection.name.format': `${pipeline.schema}.${role}_readings`,
    'errors.deadletterqueue.topic.name': pipeline.dlq,
    ...overrides,
  });
  await waitFor(async () => {
    const status = await connectorStatus(worker, name);
    const failed = status?.tasks.find((task) => task.state === 'FAILED');
    if (failed !== undefined) throw new Error(`connector ${name} failed:\n${failed.trace ?? ''}\n${readLog(worker.devDir).slice(-3000)}`);
    return status?.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((task) => task.state === 'RUNNING');
  }, { timeoutMs: 60_000, message: `connector ${name} to run` });
}

/** Fails with Connect's trace when a connector task of the pipeline has failed. */
export async function failOnFailedConnector(worker: ConnectWorker, pipeline: ConnectModePipeline): Promise<void> {
  for (const name of Object.values(pipeline.connectors)) {
    const failed = (await connectorStatus(worker, name))?.tasks.find((task) => task.state === 'FAILED');
    if (failed !== undefined) throw new Error(`connector ${name} failed:\n${failed.trace ?? ''}`);
  }
}

/** The environment of bin/calibrator for this pipeline's topics. */
export function pipelineTopicsEnv(pipeline: ConnectModePipeline): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers().join(','), KALIBRA_TOPIC_RAW: pipeline.raw, KALIBRA_TOPIC_CALIBRATED: pipeline.calibrated,
    KALIBRA_TOPIC_DLQ: pipeline.dlq, KALIBRA_TOPIC_REPLAY_STATE: pipeline.replayState,
  };
}

/** bin/calibrator in Connect mode: gate on the raw connector's committed offsets, Connect JSON out. */
export function spawnConnectModeCalibrator(pipeline: ConnectModePipeline, extra: Record<string, string> = {}): PipelineProcess {
  return spawnBin('calibrator', [], {
    ...pipelineTopicsEnv(pipeline),
    KALIBRA_GROUP_ID: `${pipeline.id}-calibrator`, KALIBRA_INSTANCE_ID: `${pipeline.id}-calibrator-0`,
    KALIBRA_GATE_MODE: 'connect', KALIBRA_GATE_CONNECT_GROUP: connectorGroup(pipeline.connectors.raw),
    KALIBRA_OUTPUT_FORMAT: 'connect-json',
    ...extra,
  });
}

export interface RawRecord {
  key: string;
  value: Buffer;
  timestampMs?: number;
}

/** Produces raw records as a producer should (idempotent, acks=all, partitioned by the sensor part of the key), in order. */
export async function produceRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
  const producer = new Producer({
    clientId: uniqueName('connect-mode-producer'), bootstrapBrokers: brokers(), acks: ProduceAcks.ALL, idempotent: true,
    partitioner: javaCompatiblePartitioner(sensorPart),
  });
  try {
    for (let i = 0; i < records.length; i += 2_000) {
      await producer.send({
        messages: records.slice(i, i + 2_000).map((r) => ({
          topic, key: Buffer.from(r.key), value: r.value, ...(r.timestampMs === undefined ? {} : { timestamp: BigInt(r.timestampMs) }),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

export async function count(db: pg.ClientBase, from: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${from}`)).rows[0]!.n);
}
