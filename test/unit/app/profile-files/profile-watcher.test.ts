import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CalibrationError } from '../../../../calibration/errors.ts';
import type { ProfileSet } from '../../../../calibration/profile.ts';
import { watchProfiles } from '../../../../app/profile-files/profile-watcher.ts';
import type { ProfileWatcher, ProfileWatcherOptions } from '../../../../app/profile-files/profile-watcher.ts';
import { waitFor } from '../../../helpers/stack.ts';

// The requirement: a valid change is in force within 2 s.
const APPLY_DEADLINE_MS = 2000;

const profile = (sensor: string, offset: number): string =>
  `sensor: ${sensor}\ninput_unit: celsius\nunit: celsius\nversions:\n  - valid_from: 2025-01-01\n    method: linear\n    gain: 1\n    offset: ${offset}\n`;

const offsetOf = (set: ProfileSet, sensor: string): number | undefined => {
  const params = set.profiles.get(sensor)?.versions[0]?.params;
  return params?.method === 'linear' ? params.offset : undefined;
};

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-profiles-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Lays out `files` the way the kubelet mounts a ConfigMap, and swaps versions the same way. */
class ConfigMapDir {
  private generation = 0;
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  publish(files: Record<string, string>): void {
    this.generation += 1;
    const stamped = `..2026_11_29_05_00_00.${String(this.generation).padStart(9, '0')}`;
    mkdirSync(join(this.dir, stamped));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(this.dir, stamped, name), content);
    // The atomic step: a new ..data symlink renamed over the old one.
    symlinkSync(stamped, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    for (const name of Object.keys(files)) {
      try {
        symlinkSync(join('..data', name), join(this.dir, name));
      } catch {
        // already linked from an earlier generation
      }
    }
    if (this.generation > 1) {
      rmSync(join(this.dir, `..2026_11_29_05_00_00.${String(this.generation - 1).padStart(9, '0')}`), { recursive: true });
    }
  }
}

async function startWatching(dir: string, extra: Partial<ProfileWatcherOptions> = {}): Promise<{ watcher: ProfileWatcher; rejected: CalibrationError[]; reloads: ProfileSet[] }> {
  const rejected: CalibrationError[] = [];
  const reloads: ProfileSet[] = [];
  const watcher = await watchProfiles({ dir, onRejected: (e) => rejected.push(e), onReload: (r) => reloads.push(r.set), ...extra });
  onTestFinished(() => watcher.close());
  return { watcher, rejected, reloads };
}

describe('watchProfiles', () => {
  it('applies a valid ConfigMap update (an atomic ..data symlink swap) within 2 s', async () => {
    const mount = new ConfigMapDir(tempDir());
    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.5) });
    const { watcher, reloads } = await startWatching(mount.dir);
    expect(offsetOf(watcher.current(), 'sensor-001')).toBe(-0.5);

    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.7), 'sensor-002.yaml': profile('sensor-002', 1) });
    await waitFor(() => offsetOf(watcher.current(), 'sensor-002') === 1, { timeoutMs: APPLY_DEADLINE_MS, message: 'the swapped ConfigMap to be in force' });
    expect(offsetOf(watcher.current(), 'sensor-001')).toBe(-0.7);
    expect(reloads).toHaveLength(1);
    expect(watcher.stats()).toMatchObject({ reloads: 1, rejections: 0 });
  });

  it('rejects an invalid ConfigMap update, keeps the previous profiles in force, and reports file:line:col once', async () => {
    const mount = new ConfigMapDir(tempDir());
    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.5) });
    const { watcher, rejected } = await startWatching(mount.dir, { pollIntervalMs: 50 });
    const before = watcher.current();

    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.5).replace('gain: 1', 'gain: one') });
    await waitFor(() => rejected.length > 0, { timeoutMs: APPLY_DEADLINE_MS, message: 'the bad update to be rejected' });
    // Several more polls of the same bad content must not report it again.
    await watcher.check();
    await watcher.check();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.code).toBe('PROFILE_INVALID');
    expect(rejected[0]!.issues.map((i) => `${i.line}:${i.col}: ${i.message}`)).toEqual(['7:11: versions[0].gain: expected number, received string']);
    expect(rejected[0]!.issues[0]!.file).toBe(join(mount.dir, 'sensor-001.yaml'));
    expect(watcher.current()).toBe(before);
    expect(watcher.stats()).toMatchObject({ reloads: 0, rejections: 1 });

    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.9) });
    await waitFor(() => offsetOf(watcher.current(), 'sensor-001') === -0.9, { timeoutMs: APPLY_DEADLINE_MS, message: 'the fixed update to be in force' });
  });

  it('rejects a whole update when one file of it is invalid: no partial set', async () => {
    const mount = new ConfigMapDir(tempDir());
    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.5), 'sensor-002.yaml': profile('sensor-002', 1) });
    const { watcher, rejected } = await startWatching(mount.dir);
    mount.publish({ 'sensor-001.yaml': profile('sensor-001', -0.6), 'sensor-002.yaml': profile('sensor-003', 1) });
    await waitFor(() => rejected.length > 0, { timeoutMs: APPLY_DEADLINE_MS });
    expect(rejected[0]!.message).toContain('does not match the file name');
    expect(offsetOf(watcher.current(), 'sensor-001')).toBe(-0.5);
  });

  it('follows in-place edits of a plain directory, rejecting a bad edit and applying its fix', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sensor-001.yaml'), profile('sensor-001', 0.1));
    writeFileSync(join(dir, 'README.md'), 'not a profile');
    const { watcher, rejected } = await startWatching(dir);

    writeFileSync(join(dir, 'sensor-001.yaml'), 'sensor: sensor-001\nversions: [\n');
    await waitFor(() => rejected.length > 0, { timeoutMs: APPLY_DEADLINE_MS });
    expect(rejected[0]!.issues[0]!.message).toMatch(/^YAML: /);
    expect(offsetOf(watcher.current(), 'sensor-001')).toBe(0.1);

    writeFileSync(join(dir, 'sensor-001.yaml'), profile('sensor-001', 0.2));
    await waitFor(() => offsetOf(watcher.current(), 'sensor-001') === 0.2, { timeoutMs: APPLY_DEADLINE_MS });
  });

  it('refuses to start on an invalid directory, naming file:line:col', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sensor-001.yaml'), profile('sensor-001', 0).replace('method: linear', 'method: lineer'));
    await expect(watchProfiles({ dir })).rejects.toMatchObject({ code: 'PROFILE_INVALID', message: expect.stringContaining('sensor-001.yaml:6:13: versions[0].method') as unknown });
  });

  it('refuses a bad option, naming it', async () => {
    await expect(watchProfiles({ dir: tempDir(), pollIntervalMs: 0 })).rejects.toMatchObject({ code: 'OPTION_INVALID', message: expect.stringContaining('pollIntervalMs') as unknown });
  });

  it('keeps watching when a listener throws', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sensor-001.yaml'), profile('sensor-001', 0));
    const watcher = await watchProfiles({ dir, onReload: () => { throw new Error('listener bug'); } });
    onTestFinished(() => watcher.close());
    writeFileSync(join(dir, 'sensor-001.yaml'), profile('sensor-001', 1));
    await waitFor(() => offsetOf(watcher.current(), 'sensor-001') === 1, { timeoutMs: APPLY_DEADLINE_MS });
    writeFileSync(join(dir, 'sensor-001.yaml'), profile('sensor-001', 2));
    await waitFor(() => offsetOf(watcher.current(), 'sensor-001') === 2, { timeoutMs: APPLY_DEADLINE_MS });
  });
});
