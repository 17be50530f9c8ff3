// The files under $KALIBRA_DEV_DIR/started that say what `up` started, so `down` stops that
// and only that:
//   kafka              the broker of kafka.pid
//   connect            the Connect worker of connect.pid
//   postgres-dir       a server of our own: data directory, bin directory, user (one a line;
//                      markers written before the embedded fallback existed hold only the data
//                      directory)
//   postgres-cluster   a Debian cluster we started: "<version> <name>"
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Marker = 'kafka' | 'connect' | 'postgres-dir' | 'postgres-cluster';

export function markerPath(devDir: string, marker: Marker): string {
  return join(devDir, 'started', marker);
}

export function hasMarker(devDir: string, marker: Marker): boolean {
  return existsSync(markerPath(devDir, marker));
}

export function removeMarker(devDir: string, marker: Marker): void {
  rmSync(markerPath(devDir, marker), { force: true });
}

function writeMarker(devDir: string, marker: Marker, text: string): void {
  mkdirSync(join(devDir, 'started'), { recursive: true });
  writeFileSync(markerPath(devDir, marker), text);
}

/** Marks a process `up` started (an empty file, like `touch`). */
export function touchMarker(devDir: string, marker: 'kafka' | 'connect'): void {
  mkdirSync(join(devDir, 'started'), { recursive: true });
  closeSync(openSync(markerPath(devDir, marker), 'a'));
}

export interface OwnPostgres {
  dataDir: string;
  /** Missing in an old marker: the installed server is meant. */
  binDir: string | undefined;
  /** Missing in an old marker: the user `postgres` is meant. */
  user: string | undefined;
}

export function formatOwnPostgres(server: { dataDir: string; binDir: string; user: string }): string {
  return `${server.dataDir}\n${server.binDir}\n${server.user}\n`;
}

export function parseOwnPostgres(text: string): OwnPostgres {
  const [dataDir = '', binDir = '', user = ''] = text.split('\n').map((line) => line.trim());
  return { dataDir, binDir: binDir || undefined, user: user || undefined };
}

export function writeOwnPostgres(devDir: string, server: { dataDir: string; binDir: string; user: string }): void {
  writeMarker(devDir, 'postgres-dir', formatOwnPostgres(server));
}

export function readOwnPostgres(devDir: string): OwnPostgres | undefined {
  const file = markerPath(devDir, 'postgres-dir');
  return existsSync(file) ? parseOwnPostgres(readFileSync(file, 'utf8')) : undefined;
}

export interface DebianCluster {
  version: string;
  name: string;
}

export function formatCluster(cluster: DebianCluster): string {
  return `${cluster.version} ${cluster.name}`;
}

export function parseCluster(text: string): DebianCluster | undefined {
  const match = /^\s*(\S+)\s+(.*?)\s*$/m.exec(text);
  return match ? { version: match[1]!, name: match[2]! } : undefined;
}

export function writeCluster(devDir: string, cluster: DebianCluster): void {
  writeMarker(devDir, 'postgres-cluster', `${formatCluster(cluster)}\n`);
}

export function readCluster(devDir: string): DebianCluster | undefined {
  const file = markerPath(devDir, 'postgres-cluster');
  return existsSync(file) ? parseCluster(readFileSync(file, 'utf8')) : undefined;
}
