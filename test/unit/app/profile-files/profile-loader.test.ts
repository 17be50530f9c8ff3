import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadProfiles } from '../../../../app/profile-files/profile-loader.ts';
import { DEMO_FLEET_DIR } from '../../../helpers/demo-fleet.ts';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-load-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const ok = (sensor: string): string => `sensor: ${sensor}\ninput_unit: c\nunit: c\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: 0}\n`;

describe('loadProfiles', () => {
  it('loads the demo fleet: every sensor but sensor-008 has a profile', async () => {
    const { set } = await loadProfiles(DEMO_FLEET_DIR);
    const sensors = [...set.profiles.keys()].sort();
    expect(sensors).toEqual(['001', '002', '003', '004', '005', '006', '007', '009', '010', '011', '012'].map((n) => `sensor-${n}`));
    expect(set.profiles.get('sensor-005')!.versions.length).toBeGreaterThanOrEqual(3);
  });

  it('skips hidden entries and files that are not profiles', async () => {
    const { set } = await loadProfiles(dirWith({ 's1.yaml': ok('s1'), 'README.md': '# hi', 'profile.schema.json': '{}', '.s2.yaml': 'junk' }));
    expect([...set.profiles.keys()]).toEqual(['s1']);
  });

  it('rejects the whole directory when one file is bad, listing every issue of every file', async () => {
    const dir = dirWith({ 's1.yaml': ok('s1').replace('gain: 1', 'gain: x'), 's2.yaml': ok('s2'), 's3.yml': ok('s3') });
    await expect(loadProfiles(dir)).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
      issues: [
        { file: join(dir, 's1.yaml'), line: 5, col: 52, message: 'versions[0].gain: expected number, received string' },
        { file: join(dir, 's3.yml'), line: 1, col: 1, message: 'profile files must be named <sensor>.yaml (not .yml)' },
      ],
    });
  });

  it('gives the same fingerprint for the same content and a different one after an edit', async () => {
    const dir = dirWith({ 's1.yaml': ok('s1') });
    const a = await loadProfiles(dir);
    const b = await loadProfiles(dir);
    writeFileSync(join(dir, 's1.yaml'), `${ok('s1')}# edited\n`);
    const c = await loadProfiles(dir);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });
});
