import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  hasMarker, markerPath, parseCluster, parseOwnPostgres, readCluster, readOwnPostgres, removeMarker, touchMarker, writeCluster, writeOwnPostgres,
} from '../../../../dev/stack/markers.ts';

function devDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-markers-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the started/ markers of bin/dev-stack', () => {
  it('reads the server marker: data directory, bin directory and user, one a line', () => {
    expect(parseOwnPostgres('/d/.dev/postgres-embedded\n/d/.dev/embedded-postgres-bin/bin\nnobody\n')).toEqual({
      dataDir: '/d/.dev/postgres-embedded', binDir: '/d/.dev/embedded-postgres-bin/bin', user: 'nobody',
    });
  });

  it('reads an old server marker that holds only the data directory', () => {
    expect(parseOwnPostgres('/d/.dev/postgres\n')).toEqual({ dataDir: '/d/.dev/postgres', binDir: undefined, user: undefined });
    expect(parseOwnPostgres('/d/.dev/postgres')).toEqual({ dataDir: '/d/.dev/postgres', binDir: undefined, user: undefined });
    expect(parseOwnPostgres('')).toEqual({ dataDir: '', binDir: undefined, user: undefined });
  });

  it('reads the Debian cluster marker "<version> <name>"', () => {
    expect(parseCluster('15 kalibra_test_42\n')).toEqual({ version: '15', name: 'kalibra_test_42' });
    expect(parseCluster('')).toBeUndefined();
  });

  it('writes markers in the layout it reads, and removes them', () => {
    const dir = devDir();
    expect(readOwnPostgres(dir)).toBeUndefined();
    writeOwnPostgres(dir, { dataDir: join(dir, 'postgres'), binDir: '/usr/lib/postgresql/15/bin', user: 'postgres' });
    expect(readOwnPostgres(dir)).toEqual({ dataDir: join(dir, 'postgres'), binDir: '/usr/lib/postgresql/15/bin', user: 'postgres' });
    writeCluster(dir, { version: '15', name: 'main' });
    expect(readCluster(dir)).toEqual({ version: '15', name: 'main' });
    touchMarker(dir, 'kafka');
    expect(hasMarker(dir, 'kafka')).toBe(true);
    removeMarker(dir, 'kafka');
    expect(hasMarker(dir, 'kafka')).toBe(false);
  });

  it('reads a server marker an older bin/dev-stack wrote', () => {
    const dir = devDir();
    mkdirSync(join(dir, 'started'));
    writeFileSync(markerPath(dir, 'postgres-dir'), `${join(dir, 'postgres')}\n`);
    expect(readOwnPostgres(dir)).toEqual({ dataDir: join(dir, 'postgres'), binDir: undefined, user: undefined });
  });
});
