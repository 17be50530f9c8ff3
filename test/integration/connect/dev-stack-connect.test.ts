// `bin/dev-stack up --connect` and `down` with a private dev dir and REST port, against the
// shared broker and Postgres (dev-stack uses them and, not having started them, never stops
// them): the worker comes up, a second `up` leaves it alone, `down` leaves no process.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ourProcesses } from '../global-setup.ts';
import type { DemoSummary } from '../../../app/demo/run-demo.ts';
import { DEMO_FLEET_DIR } from '../../helpers/demo-fleet.ts';
import { sinkSchema } from '../../helpers/sink-fixtures.ts';
import { brokers, databaseUrl, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';
import { connectorStatus, deleteGroups, freePort } from './connect-worker.ts';
import type { ConnectWorker } from './connect-worker.ts';

const run = promisify(execFile);
const devStack = join(process.cwd(), 'bin', 'dev-stack');
const connectUp = join(process.cwd(), 'dev', 'connect', 'connect-up');

describe('bin/dev-stack up --connect', () => {
  it('starts a Kafka Connect worker running both JDBC sink connectors (Connect mode), bin/demo --connect runs on it, a second up leaves it alone, and down stops it', async () => {
    const devDir = mkdtempSync(join(tmpdir(), 'kalibra-dev-connect-'));
    const groupId = uniqueName('kalibra-connect-test');
    const port = await freePort();
    const id = uniqueName('dev-stack-connect');
    const topics = { KALIBRA_TOPIC_RAW: `${id}.raw`, KALIBRA_TOPIC_CALIBRATED: `${id}.calibrated`, KALIBRA_TOPIC_DLQ: `${id}.dlq`, KALIBRA_TOPIC_REPLAY_STATE: `${id}.replay-state` };
    const schema = sinkSchema();
    const env = {
      ...process.env, KALIBRA_DEV_DIR: devDir, KALIBRA_CONNECT_PORT: String(port), KALIBRA_CONNECT_GROUP_ID: groupId,
      KAFKA_PORT: brokers()[0]!.split(':')[1], DATABASE_URL: databaseUrl(), KALIBRA_CONNECTOR_PREFIX: id, KALIBRA_SINK_SCHEMA: schema, ...topics,
      KAFKA_BROKERS: brokers().join(','), KALIBRA_GROUP_ID: `${id}-calibrator`, KALIBRA_PROFILES_DIR: DEMO_FLEET_DIR,
    };
    onTestFinished(async () => {
      await run(devStack, ['down'], { env }).catch(() => undefined);
      await deleteGroups([`connect-${id}-raw-jdbc-sink`, `connect-${id}-calibrated-jdbc-sink`, `${id}-calibrator`]).catch(() => undefined);
      const admin = new Admin({ clientId: uniqueName('connect-cleanup'), bootstrapBrokers: brokers() });
      await admin.deleteTopics({ topics: [...['configs', 'offsets', 'status'].map((suffix) => `${groupId}-${suffix}`), ...Object.values(topics)] })
        .catch(() => undefined).finally(() => admin.close());
      rmSync(devDir, { recursive: true, force: true });
    });

    const up = await run(devStack, ['up', '--connect'], { env, timeout: 600_000 });
    expect(up.stderr).toMatch(/Kafka Connect ready in \d+ ms/);
    const plugins = await fetch(`http://127.0.0.1:${port}/connector-plugins`).then((response) => response.json()) as { class: string }[];
    expect(plugins.map((plugin) => plugin.class)).toContain('io.debezium.connector.jdbc.JdbcSinkConnector');
    const worker = { url: `http://127.0.0.1:${port}` } as ConnectWorker;
    for (const role of ['raw', 'calibrated']) {
      const name = `${id}-${role}-jdbc-sink`;
      await waitFor(async () => {
        const status = await connectorStatus(worker, name);
        return status?.connector.state === 'RUNNING' && status.tasks.length === 1 && status.tasks[0]!.state === 'RUNNING';
      }, { timeoutMs: 60_000, message: `connector ${name} to run` });
      const config = await fetch(`${worker.url}/connectors/${name}/config`).then((response) => response.json()) as Record<string, string>;
      expect(config).toMatchObject({ 'topics': topics[role === 'raw' ? 'KALIBRA_TOPIC_RAW' : 'KALIBRA_TOPIC_CALIBRATED'], 'collection.name.format': `${schema}.${role}_readings`, 'errors.deadletterqueue.topic.name': topics.KALIBRA_TOPIC_DLQ });
    }
    expect((await run(devStack, ['status'], { env })).stdout).toMatch(/connect: running/);

    // The demo in Connect mode on this worker: the simulator sends envelopes, the connectors land
    // both tables, the calibrator gates on the raw connector; no sink of ours runs.
    const demo = await run(join(process.cwd(), 'bin', 'demo'), ['--connect', '--headless', '--duration', '8s', '--backfill', '30s', '--rate', '48'],
      { env, timeout: 180_000 });
    const summary = JSON.parse(demo.stdout.trim().split('\n').at(-1)!) as DemoSummary;
    expect(summary.drained, demo.stderr.slice(-2000)).toBe(true);
    expect(summary.sent.readings).toBeGreaterThan(100);
    expect(summary.rows.calibrated).toBe(summary.sent.readings);
    expect(summary.rows.raw).toBeGreaterThanOrEqual(summary.sent.readings);
    expect(demo.stderr).toContain('Connect mode');
    expect(demo.stderr).not.toContain('starting the raw sink');
    const db = await pgClient();
    const orphans = await db.query(`SELECT 1 FROM "${schema}".calibrated_readings c
      WHERE NOT EXISTS (SELECT 1 FROM "${schema}".raw_readings r WHERE r.sensor_id = c.sensor_id AND r.ts = c.ts)`);
    expect(orphans.rowCount).toBe(0);

    const again = await run(devStack, ['up', '--connect'], { env, timeout: 120_000 });
    expect(again.stderr).toContain('Kafka Connect already running');

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    expect((await run(devStack, ['status'], { env })).stdout).not.toMatch(/connect:/);
  }, 300_000);

  it('connect-up refuses an unknown argument with exit code 2', async () => {
    const failure = await run(connectUp, ['--sideways']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('unknown argument: --sideways');
  });

  it('connect-up refuses a REST port that is not a number, naming the setting', async () => {
    const failure = await run(connectUp, [], { env: { ...process.env, KALIBRA_CONNECT_PORT: 'eighty' } }).catch((error: unknown) => error);
    expect((failure as { stderr: string }).stderr).toContain('KALIBRA_CONNECT_PORT must be a port number');
  });
});
