// The pipeline in Connect mode as processes on the local stack, for bench/connect-mode: a fresh
// Kafka Connect worker (dev/connect/connect-up, private port, cluster id and dev dir) running
// the committed raw and calibrated JDBC sink connectors of connectors/kafka-connect/, and
// bin/calibrator gated on the raw connector's committed offsets, writing Connect JSON; fresh
// topics and a fresh schema (migrated as our sinks would). The same shape as startPipeline's
// (bench/pipeline-harness.ts), so both contenders are driven and measured the same way.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../app/demo/demo-processes.ts';
import { alive } from '../dev/stack/processes.ts';
import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import { connectorGroup } from '../connectors/postgres/connect-gate.ts';
import { migrate } from '../connectors/postgres/migrate.ts';
import { brokers, databaseUrl, root, spawnBin, until, writeProfiles } from './pipeline-harness.ts';
import type { BenchProcess, PipelineUnderTest } from './pipeline-harness.ts';

const PARTITIONS = 4;

export interface ConnectModePipeline extends PipelineUnderTest {
  /** The worker's JVM (process group leader), for its CPU time. */
  readonly workerPid: number;
}

export async function startConnectModePipeline(sensors: number): Promise<ConnectModePipeline> {
  const id = `bench-cm-${randomBytes(4).toString('hex')}`;
  const topics = { raw: `${id}.raw`, calibrated: `${id}.calibrated`, dlq: `${id}.dlq`, state: `${id}.replay-state` };
  const schema = id.replaceAll('-', '_');
  const admin = new Admin({ clientId: id, bootstrapBrokers: brokers });
  const compact = [{ name: 'cleanup.policy', value: 'compact' }];
  await admin.createTopics({ topics: [topics.raw, topics.calibrated], partitions: PARTITIONS, replicas: 1, configs: compact });
  await admin.createTopics({ topics: [topics.dlq], partitions: 1, replicas: 1 });
  await admin.createTopics({ topics: [topics.state], partitions: 1, replicas: 1, configs: compact });
  await admin.close();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await migrate(client, schema);
  await client.end();

  // A fresh worker per contender run: no JIT state or connection pool carried over.
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-bench-connect-'));
  const port = await freePort();
  const workerGroup = `${id}-worker`;
  await promisify(execFile)(join(root, 'dev', 'connect', 'connect-up'), [], {
    timeout: 600_000,
    env: {
      ...process.env, KALIBRA_DEV_DIR: devDir, KALIBRA_CONNECT_PORT: String(port), KALIBRA_CONNECT_GROUP_ID: workerGroup,
      KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl,
    },
  });
  const workerPid = Number(readFileSync(join(devDir, 'connect.pid'), 'utf8').trim());
  const url = `http://127.0.0.1:${port}`;
  const connectors = { raw: `${id}-raw-jdbc-sink`, calibrated: `${id}-calibrated-jdbc-sink` };
  for (const role of ['raw', 'calibrated'] as const) {
    const { config } = JSON.parse(readFileSync(join(root, 'connectors', 'kafka-connect', `${role}-jdbc-sink.json`), 'utf8')) as { config: Record<string, string> };
    const response = await fetch(`${url}/connectors/${connectors[role]}/config`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...config, 'topics': topics[role], 'collection.name.format': `${schema}.${role}_readings`,
        'errors.deadletterqueue.topic.name': topics.dlq,
      }),
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`connector ${connectors[role]}: ${response.status} ${await response.text()}`);
  }
  await until('both connectors running', async () => {
    for (const name of Object.values(connectors)) {
      const status = await (await fetch(`${url}/connectors/${name}/status`)).json() as { connector?: { state: string }; tasks?: { state: string; trace?: string }[] };
      const failed = status.tasks?.find((t) => t.state === 'FAILED');
      if (failed !== undefined) throw new Error(`connector ${name} failed: ${failed.trace ?? ''}`);
      if (status.connector?.state !== 'RUNNING' || (status.tasks ?? []).length === 0 || !status.tasks!.every((t) => t.state === 'RUNNING')) return undefined;
    }
    return true;
  });

  const profilesDir = writeProfiles(sensors);
  const env = {
    KALIBRA_TOPIC_RAW: topics.raw, KALIBRA_TOPIC_CALIBRATED: topics.calibrated, KALIBRA_TOPIC_DLQ: topics.dlq,
    KALIBRA_TOPIC_REPLAY_STATE: topics.state, KALIBRA_SINK_SCHEMA: schema, KALIBRA_PROFILES_DIR: profilesDir, KALIBRA_LOG_LEVEL: 'info',
    // What a producer sends in Connect mode (bin/simulate reads it too).
    KALIBRA_RAW_FORMAT: 'connect-json',
  };
  const processes: BenchProcess[] = [];
  const ports = new Map<string, number>();
  const calibrator = spawnBin('calibrator', 'calibrator', [], {
    ...env, KALIBRA_GROUP_ID: `${id}-calibrator`, KALIBRA_INSTANCE_ID: `${id}-calibrator`,
    KALIBRA_GATE_MODE: 'connect', KALIBRA_GATE_CONNECT_GROUP: connectorGroup(connectors.raw), KALIBRA_OUTPUT_FORMAT: 'connect-json',
  });
  processes.push(calibrator);
  ports.set('calibrator', await until('the calibrator\'s ops port', () => {
    if (calibrator.child.exitCode !== null) throw new Error(`calibrator exited ${calibrator.child.exitCode}:\n${calibrator.output().slice(-2_000)}`);
    const match = /"msg":"ops server listening".*?"port":(\d+)/.exec(calibrator.output());
    return match === null ? undefined : Number(match[1]);
  }));
  await until('the calibrator started', () => (/"msg":"started"/.test(calibrator.output()) ? true : undefined));

  const close = async (): Promise<void> => {
    if (calibrator.child.exitCode === null) calibrator.child.kill('SIGTERM');
    await Promise.race([calibrator.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (calibrator.child.exitCode === null && calibrator.child.signalCode === null) calibrator.child.kill('SIGKILL');
    if (alive(workerPid)) {
      process.kill(-workerPid, 'SIGTERM');
      await until('the Connect worker to stop', () => (alive(workerPid) ? undefined : true), 30_000)
        .catch(() => { process.kill(-workerPid, 'SIGKILL'); });
    }
    rmSync(devDir, { recursive: true, force: true });
    rmSync(profilesDir, { recursive: true, force: true });
    const cleanup = new Admin({ clientId: `${id}-cleanup`, bootstrapBrokers: brokers });
    await cleanup.deleteTopics({ topics: [...Object.values(topics), ...['configs', 'offsets', 'status'].map((s) => `${workerGroup}-${s}`)] }).catch(() => undefined);
    await cleanup.deleteGroups({ groups: Object.values(connectors).map(connectorGroup) }).catch(() => undefined);
    await cleanup.close();
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  };
  return { topics, schema, processes, ports, env, calibratorGroup: `${id}-calibrator`, close, workerPid };
}
