import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runProfilesCommand } from '../../../../app/profiles/profiles-command.ts';
import { DEMO_FLEET_DIR } from '../../../helpers/demo-fleet.ts';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runProfilesCommand(args, {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    env,
    now: Date.parse('2026-11-29T04:00:00Z'),
  });
  return { code, out, err };
}

function badDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-check-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'sensor-001.yaml'), readFileSync(join(DEMO_FLEET_DIR, 'sensor-001.yaml'), 'utf8'));
  writeFileSync(join(dir, 'sensor-002.yaml'), 'sensor: sensor-002\ninput_unit: celsius\nunit: celsius\nversions:\n  - valid_from: 2025-01-01\n    method: table\n    points: [[0, 0], [0, 1]]\n    extrapolat: true\n');
  return dir;
}

describe('bin/profiles', () => {
  it('check passes the committed example profiles', async () => {
    const { code, out } = await run(['check', DEMO_FLEET_DIR]);
    expect(code).toBe(0);
    expect(out).toBe(`${DEMO_FLEET_DIR}: 11 profiles, 15 versions, all valid\n`);
  });

  it('check exits 1 with one file:line:col line per problem', async () => {
    const dir = badDir();
    const { code, err } = await run(['check', dir]);
    expect(code).toBe(1);
    expect(err).toBe(`${join(dir, 'sensor-002.yaml')}:8:5: versions[0].extrapolat: unknown key "extrapolat"\n`);
  });

  it('check reads the directory from KALIBRA_PROFILES_DIR when none is given', async () => {
    const { code } = await run(['check'], { KALIBRA_PROFILES_DIR: badDir() });
    expect(code).toBe(1);
  });

  it('check reports an unreadable directory with exit 1', async () => {
    const { code, err } = await run(['check', '/nonexistent/kalibra']);
    expect(code).toBe(1);
    expect(err).toMatch(/cannot list profiles directory \/nonexistent\/kalibra/);
  });

  it('show prints the version in force at --at with its identity', async () => {
    const { code, out } = await run(['show', 'sensor-005', '--at', '2025-08-01T00:00:00Z', '--dir', DEMO_FLEET_DIR]);
    expect(code).toBe(0);
    expect(out).toMatch(/^identity: {4}sensor-005@2025-07-01#[0-9a-f]{12}\n/);
    expect(out).toContain('method:      linear {"gain":1,"offset":-0.4}');
    const later = await run(['show', 'sensor-005', '--dir', DEMO_FLEET_DIR]);
    expect(later.out).toMatch(/sensor-005@2026-07-01#/);
  });

  it('show accepts a time relative to now for --at, as bin/replay and bin/simulate do', async () => {
    const { code, out } = await run(['show', 'sensor-005', '--at', '30d', '--dir', DEMO_FLEET_DIR]);
    expect(code).toBe(0);
    expect(out).toContain('in force at: 2026-10-30T04:00:00.000Z');
  });

  it('show accepts epoch milliseconds for --at', async () => {
    const { out } = await run(['show', 'sensor-010', '--at', String(Date.UTC(2025, 2, 1)), '--dir', DEMO_FLEET_DIR]);
    expect(out).toMatch(/sensor-010@2025-01-01#/);
  });

  it('show exits 1 for a sensor without a profile, or before its first version', async () => {
    expect((await run(['show', 'sensor-008', '--dir', DEMO_FLEET_DIR])).code).toBe(1);
    const early = await run(['show', 'sensor-001', '--at', '2020-01-01', '--dir', DEMO_FLEET_DIR]);
    expect(early.code).toBe(1);
    expect(early.err).toContain('no version in force at 2020-01-01T00:00:00.000Z');
  });

  it('prints usage for --help and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('bin/profiles check [dir]');
    expect((await run(['show', '--help'])).code).toBe(0);
  });

  it('rejects bad arguments with one line on stderr and exit 2', async () => {
    for (const args of [[], ['frobnicate'], ['show'], ['show', 's', '--at'], ['show', 's', '--at', 'noon'], ['show', 'a', 'b'], ['check', 'a', 'b'], ['show', 's', '--bogus']]) {
      const { code, err } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('schema prints the committed JSON Schema', async () => {
    const { out } = await run(['schema']);
    expect(out).toBe(readFileSync('calibration-profiles/profile.schema.json', 'utf8'));
  });
});
