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
import { brokers, databaseUrl, uniqueName } from '../../helpers/stack.ts';
import { freePort } from './connect-worker.ts';

const run = promisify(execFile);
const devStack = join(process.cwd(), 'bin', 'dev-stack');
const connectUp = join(process.cwd(), 'dev', 'connect', 'connect-up');

describe('bin/dev-stack up --connect', () => {
  it('starts a Kafka Connect worker with the Debezium JDBC sink, leaves it alone on a second up, and down stops it', async () => {
    const devDir = mkdtempSync(join(tmpdir(), 'kalibra-dev-connect-'));
    const groupId = uniqueName('kalibra-connect-test');
    const port = await freePort();
    const env = {
      ...process.env, KALIBRA_DEV_DIR: devDir, KALIBRA_CONNECT_PORT: String(port), KALIBRA_CONNECT_GROUP_ID: groupId,
      KAFKA_PORT: brokers()[0]!.split(':')[1], DATABASE_URL: databaseUrl(),
    };
    onTestFinished(async () => {
      await run(devStack, ['down'], { env }).catch(() => undefined);
      const admin = new Admin({ clientId: uniqueName('connect-cleanup'), bootstrapBrokers: brokers() });
      await admin.deleteTopics({ topics: ['configs', 'offsets', 'status'].map((suffix) => `${groupId}-${suffix}`) })
        .catch(() => undefined).finally(() => admin.close());
      rmSync(devDir, { recursive: true, force: true });
    });

    const up = await run(devStack, ['up', '--connect'], { env, timeout: 600_000 });
    expect(up.stderr).toMatch(/Kafka Connect ready in \d+ ms/);
    const plugins = await fetch(`http://127.0.0.1:${port}/connector-plugins`).then((response) => response.json()) as { class: string }[];
    expect(plugins.map((plugin) => plugin.class)).toContain('io.debezium.connector.jdbc.JdbcSinkConnector');
    expect((await run(devStack, ['status'], { env })).stdout).toMatch(/connect: running/);

    const again = await run(devStack, ['up', '--connect'], { env, timeout: 120_000 });
    expect(again.stderr).toContain('Kafka Connect already running');

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    expect((await run(devStack, ['status'], { env })).stdout).not.toMatch(/connect:/);
  });

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
