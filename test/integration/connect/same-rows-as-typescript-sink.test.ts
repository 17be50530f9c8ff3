// The Kafka Connect path must land the same calibrated rows as the TypeScript sink. One raw
// topic of demo-fleet readings; two real bin/calibrator processes calibrate it, one writing
// Kalibra JSON (read by bin/sink --mapping calibrated), one writing Connect JSON (read by the
// Debezium JDBC sink in a real Connect worker with connectors/kafka-connect's config). The two
// tables are compared with plain SQL. calibrated_at differs by design (two calibrators, two
// clocks), so it is the one column left out.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { javaCompatiblePartitioner } from '../../../topology/core/partitioning.ts';
import { sensorPart } from '../../../contract/reading-key.ts';
import { generate } from '../../../app/simulate/readings.ts';
import { fleet } from '../../../app/simulate/sensor-models.ts';
import { repoRoot, spawnSink } from '../../helpers/sink-fixtures.ts';
import { brokers, createTopics, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';
import { connectorStatus, deleteConnector, deleteGroups, putConnector, startConnectWorker } from './connect-worker.ts';
import type { ConnectWorker } from './connect-worker.ts';

const committed = JSON.parse(readFileSync(join(repoRoot, 'connectors', 'kafka-connect', 'calibrated-jdbc-sink.json'), 'utf8')) as
  { config: Record<string, string> };

let worker: ConnectWorker;
beforeAll(async () => { worker = await startConnectWorker({ timeZone: 'UTC' }); }, 600_000);
afterAll(async () => { await worker?.stop(); });

function spawnCalibrator(env: Record<string, string>): void {
  const child = spawn(join(repoRoot, 'bin', 'calibrator'), [], {
    env: { ...process.env, KALIBRA_HTTP_PORT: '0', KALIBRA_GATE: 'false', KAFKA_BROKERS: brokers().join(','), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const exited = new Promise<void>((resolve) => { child.once('exit', () => resolve()); });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await exited; }
    if (child.exitCode !== 0 && child.exitCode !== null) throw new Error(`calibrator exited ${child.exitCode}:\n${log.slice(-3000)}`);
  });
}

describe('the Kafka Connect JDBC sink and the TypeScript sink', () => {
  it('land the same calibrated rows from the same raw readings', async () => {
    const id = uniqueName('same-rows');
    const raw = `${id}.raw`, kalibra = `${id}.calibrated`, connectJson = `${id}.calibrated-connect`, dlq = `${id}.dlq`;
    await createTopics([raw, kalibra, connectJson, dlq], { partitions: 3 });
    await createTopics([`${connectJson}.connect-dlq`]);
    await createTopics([`${id}.replay-state`], { configs: { 'cleanup.policy': 'compact' } });

    // Ten minutes of the demo fleet (readings, duplicates, malformed messages), produced like bin/simulate does.
    const from = Date.parse('2026-11-29T00:00:00Z');
    const records = [...generate({ fleet: fleet(12), seed: 3, intervalMs: 5_000, malformedRate: 0.02, duplicateRate: 0.02 }, from, from + 10 * 60_000)];
    const producer = new Producer({ clientId: uniqueName('same-rows'), bootstrapBrokers: brokers(), idempotent: true, partitioner: javaCompatiblePartitioner(sensorPart) });
    try {
      await producer.send({ messages: records.map((r) => ({ topic: raw, key: Buffer.from(r.key), value: Buffer.from(r.value), timestamp: BigInt(r.tsMs) })) });
    } finally {
      await producer.close();
    }
    const readings = new Set(records.filter((r) => r.kind === 'reading').map((r) => r.key)).size;

    const db = await pgClient();
    const schema = id.replaceAll(/[^a-z0-9]/g, '_');
    const table = `${schema}_connect`;
    await db.query(`CREATE TABLE ${table} (sensor_id text, ts timestamptz, raw_value float8, value float8,
      unit text, status text, profile text, calibrated_at timestamptz, PRIMARY KEY (sensor_id, ts))`);
    onTestFinished(async () => {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });

    const common = { KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: `${id}.replay-state` };
    spawnCalibrator({ ...common, KALIBRA_TOPIC_CALIBRATED: kalibra, KALIBRA_GROUP_ID: `${id}-kalibra`, KALIBRA_INSTANCE_ID: `${id}-a` });
    spawnCalibrator({ ...common, KALIBRA_TOPIC_CALIBRATED: connectJson, KALIBRA_GROUP_ID: `${id}-connect`, KALIBRA_INSTANCE_ID: `${id}-b`, KALIBRA_OUTPUT_FORMAT: 'connect-json' });
    spawnSink(['--mapping', 'calibrated'], {
      KAFKA_BROKERS: brokers().join(','), KALIBRA_TOPIC_CALIBRATED: kalibra, KALIBRA_TOPIC_DLQ: dlq,
      KALIBRA_SINK_SCHEMA: schema, KALIBRA_INSTANCE_ID: `${id}-sink`, KALIBRA_GROUP_ID: `${id}-sink`,
    });
    const connector = uniqueName('same-rows-jdbc');
    onTestFinished(async () => { await deleteConnector(worker, connector); await deleteGroups([`connect-${connector}`]); });
    await putConnector(worker, connector, {
      ...committed.config, 'topics': connectJson, 'collection.name.format': table,
      'errors.deadletterqueue.topic.name': `${connectJson}.connect-dlq`,
    });

    const count = async (from: string): Promise<number> => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${from}`)).rows[0]!.n);
    await waitFor(async () => {
      const status = await connectorStatus(worker, connector);
      if (status?.tasks.some((t) => t.state === 'FAILED')) throw new Error(`connector failed: ${status.tasks[0]?.trace ?? ''}`);
      const typescriptRows = await count(`"${schema}".calibrated_readings`).catch(() => 0);
      return typescriptRows === readings && await count(table) === readings;
    }, { timeoutMs: 120_000, intervalMs: 500, message: `both tables to hold ${readings} rows` });

    const columns = 'sensor_id, ts, raw_value, value, unit, status, profile';
    const onlyInTypescript = await db.query(`SELECT ${columns} FROM "${schema}".calibrated_readings EXCEPT SELECT ${columns} FROM ${table} LIMIT 5`);
    const onlyInConnect = await db.query(`SELECT ${columns} FROM ${table} EXCEPT SELECT ${columns} FROM "${schema}".calibrated_readings LIMIT 5`);
    expect(onlyInTypescript.rows).toEqual([]);
    expect(onlyInConnect.rows).toEqual([]);
    const statuses = await db.query<{ status: string }>(`SELECT DISTINCT status FROM ${table} ORDER BY status`);
    // Both calibrated and passed-through (sensor-008 has no profile) readings took part.
    expect(statuses.rows.map((r) => r.status)).toEqual(expect.arrayContaining(['ok', 'uncalibrated']));
  });
});
