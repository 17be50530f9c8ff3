// A private Postgres 15 for tests that must stop or restart the database: initdb into a
// temp dir as user postgres, trust auth, a free port, and removal when the test finishes.
// Never touches the shared Postgres on 5432.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

const bin = process.env.KALIBRA_PG_BIN ?? '/usr/lib/postgresql/15/bin';

function asPostgres(command: string, args: string[]): string {
  return execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address ? address.port : 0); });
    });
  });
}

export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  /** pg_ctl stop -m immediate: like a crash, no clean shutdown. */
  crash(): void;
  start(): void;
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-pg-'));
  const { uid, gid } = { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = (): void => {
    asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  };
  const crash = (): void => { asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); };
  start();
  onTestFinished(() => {
    try { crash(); } catch { /* already stopped */ }
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, crash, start };
}
