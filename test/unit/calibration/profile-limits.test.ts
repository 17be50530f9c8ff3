// Issue 16, finding 6: no profile file makes `bin/profiles check` or a reload throw, hang
// or print a stack trace; a file over the size limit is refused with its size and the limit
// without being read; a reload parses on a worker thread, never on the event loop.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { CalibrationError } from '../../../calibration/errors.ts';
import { calibratorCommandOptions } from '../../../app/calibrator/calibrator-options.ts';
import { loadProfiles } from '../../../app/profile-files/profile-loader.ts';
import { DEFAULT_PROFILE_MAX_BYTES } from '../../../app/profile-files/profile-file-options.ts';
import { MAX_ISSUES_PER_FILE, parseProfile } from '../../../calibration/profile-parser.ts';
import { MAX_ARRAY_ITEMS } from '../../../calibration/profile-schema.ts';
import { watchProfiles } from '../../../app/profile-files/profile-watcher.ts';
import { runProfilesCommand } from '../../../app/profiles/profiles-command.ts';

const linear = (sensor: string, offset = 0): string =>
  `sensor: ${sensor}\ninput_unit: celsius\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: ${offset}}\n`;
const table = (sensor: string, points: string): string =>
  `sensor: ${sensor}\ninput_unit: v\nunit: v\nversions:\n  - valid_from: 2025-01-01\n    method: table\n    points: [${points}]\n`;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-limits-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function check(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runProfilesCommand(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, env, now: Date.UTC(2026, 0, 1) });
  return { code, out, err };
}

describe('profile files that used to overflow the stack (issue 16)', () => {
  it('reports 100k lines of "x: [" as one issue, and 20k duplicate keys as a bounded list of issues, without throwing', () => {
    expect(parseProfile('s.yaml', 'x: [\n'.repeat(100_000))).toEqual({ ok: false, issues: [{ file: 's.yaml', line: 101, col: 4, message: 'YAML: [ and { nested more than 100 deep' }] });
    const result = parseProfile('s.yaml', 'x: 1\n'.repeat(20_000));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(MAX_ISSUES_PER_FILE + 1);
    expect(result.issues.at(-1)!.message).toMatch(/^\.\.\. and \d+ more problems in this file$/);
  });

  it('reports a table of too many bad points as one issue at the list, before zod sees it (zod overflows its stack on ~200k)', () => {
    const points = Array.from({ length: MAX_ARRAY_ITEMS + 2000 }, (_, i) => `[${i},x]`).join(',');
    const result = parseProfile('s.yaml', table('s', points));
    expect(result).toEqual({ ok: false, issues: [{ file: 's.yaml', line: 7, col: 13, message: `versions[0].points: ${MAX_ARRAY_ITEMS + 2000} items, more than the ${MAX_ARRAY_ITEMS} a profile may have` }] });
  });

  it('accepts a table of exactly MAX_ARRAY_ITEMS points and refuses one more', () => {
    const points = (n: number) => Array.from({ length: n }, (_, i) => `[${i}, ${i}]`).join(', ');
    expect(parseProfile('s.yaml', table('s', points(MAX_ARRAY_ITEMS))).ok).toBe(true);
    expect(parseProfile('s.yaml', table('s', points(MAX_ARRAY_ITEMS + 1))).ok).toBe(false);
  });

  it('refuses flow collections nested absurdly deep, at the place, without handing them to the YAML parser', () => {
    for (const source of ['['.repeat(1_000_000), `a: ${'{b: '.repeat(100_000)}1${'}'.repeat(100_000)}\n`]) {
      const result = parseProfile('s.yaml', source);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues).toEqual([expect.objectContaining({ line: 1, message: 'YAML: [ and { nested more than 100 deep' })]);
    }
  });

  it('reports deep block nesting that overflows the YAML parser as an issue naming the file', () => {
    const source = `x:\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}- \n`).join('')}`;
    const result = parseProfile('s.yaml', source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.every((issue) => issue.file === 's.yaml')).toBe(true);
  });

  it('bin/profiles check exits 1 with file:line:col lines, not a stack trace, on each of them', async () => {
    const dir = dirWith({ 'a.yaml': 'x: [\n'.repeat(100_000), 'b.yaml': '['.repeat(500_000), 'c.yaml': linear('c') });
    const { code, err } = await check(['check', dir]);
    expect(code).toBe(1);
    expect(err).not.toMatch(/RangeError|\n\s+at /);
    expect(err.trim().split('\n').every((line) => line.startsWith(join(dir, 'a.yaml')) || line.startsWith(join(dir, 'b.yaml')))).toBe(true);
  });
});

describe('entries named .yaml that are not files (issue 16)', () => {
  it('skips a FIFO and a directory (reading a FIFO would hang) and reports a dangling symlink in one line, exit 1', async () => {
    const dir = dirWith({ 'ok.yaml': linear('ok') });
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    mkdirSync(join(dir, 'dir.yaml'));
    expect(await check(['check', dir])).toMatchObject({ code: 0, out: `${dir}: 1 profiles, 1 versions, all valid\n` });
    symlinkSync('nowhere', join(dir, 'dangling.yaml'));
    const { code, err } = await check(['check', dir]);
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`^cannot read profile ${join(dir, 'dangling.yaml')}: ENOENT[^\n]*\n$`));
  });
});

describe('profile file size limit (issue 16)', () => {
  it('is 1 MiB by default and an option of bin/calibrator, KALIBRA_PROFILE_MAX_BYTES', () => {
    expect(DEFAULT_PROFILE_MAX_BYTES).toBe(1024 * 1024);
    expect(calibratorCommandOptions.profileMaxBytes).toMatchObject({ env: 'KALIBRA_PROFILE_MAX_BYTES', type: 'int', default: DEFAULT_PROFILE_MAX_BYTES });
  });

  it('refuses a file over the limit with its name, size and the limit, without reading it, and reports the other files too', async () => {
    const big = `${linear('big')}# ${'x'.repeat(DEFAULT_PROFILE_MAX_BYTES)}\n`;
    const dir = dirWith({ 'big.yaml': big, 'bad.yaml': 'sensor: bad\n', 'ok.yaml': linear('ok') });
    const size = Buffer.byteLength(big);
    await expect(loadProfiles(dir)).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
      issues: expect.arrayContaining([
        { file: join(dir, 'big.yaml'), line: 1, col: 1, message: `the file is ${size} bytes, over the limit of ${DEFAULT_PROFILE_MAX_BYTES} bytes (KALIBRA_PROFILE_MAX_BYTES); it was not read` },
        expect.objectContaining({ file: join(dir, 'bad.yaml') }),
      ]) as unknown,
    });
    const error = await loadProfiles(dir, { maxFileBytes: size }).then(() => { throw new Error('expected PROFILE_INVALID'); }, (e: unknown) => e as CalibrationError);
    expect(error.issues.map((issue) => issue.file)).not.toContain(join(dir, 'big.yaml'));
    expect(error.issues.map((issue) => issue.file)).toContain(join(dir, 'bad.yaml'));
  });

  it('is --kalibra-profile-max-bytes or KALIBRA_PROFILE_MAX_BYTES for bin/profiles check and show; a bad value exits 2', async () => {
    const dir = dirWith({ 's.yaml': linear('s') });
    const size = String(Buffer.byteLength(linear('s')));
    expect(await check(['check', dir])).toMatchObject({ code: 0 });
    expect(await check(['check', dir, '--kalibra-profile-max-bytes', '10'])).toMatchObject({ code: 1, err: expect.stringContaining(`over the limit of 10 bytes`) as unknown });
    expect(await check(['check', `--kalibra-profile-max-bytes=${size}`, dir])).toMatchObject({ code: 0 });
    expect(await check(['check', dir], { KALIBRA_PROFILE_MAX_BYTES: '10' })).toMatchObject({ code: 1 });
    expect(await check(['show', 's', '--dir', dir, '--kalibra-profile-max-bytes', '10'])).toMatchObject({ code: 1 });
    for (const args of [['check', dir, '--kalibra-profile-max-bytes', '0'], ['check', dir, '--kalibra-profile-max-bytes', 'lots'], ['check', dir, '--kalibra-profile-max-bytes']]) {
      const { code, err } = await check(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('a hot reload rejects a file grown over the limit and keeps the previous profiles in force', async () => {
    const dir = dirWith({ 's.yaml': linear('s', 1) });
    const rejected: string[] = [];
    const watcher = await watchProfiles({ dir, maxFileBytes: 1000, pollIntervalMs: 60_000, onRejected: (e) => rejected.push(e.message) });
    onTestFinished(() => watcher.close());
    writeFileSync(join(dir, 's.yaml'), `${linear('s', 2)}# ${'x'.repeat(1000)}\n`);
    await watcher.check();
    expect(rejected).toEqual([expect.stringContaining('over the limit of 1000 bytes')]);
    expect(watcher.current().profiles.get('s')?.versions[0]?.params).toMatchObject({ offset: 1 });
  });
});

describe('a reload does not hold the event loop (issue 16)', () => {
  it('parses a valid profile near the 1 MiB limit on a worker thread: the event loop keeps turning while it is parsed', async () => {
    // A table of MAX_ARRAY_ITEMS points with long numbers, padded by comments to just under 1 MiB.
    const points = Array.from({ length: MAX_ARRAY_ITEMS }, (_, i) => `[${i}.000123456789, ${i}.987654321012]`).join(', ');
    let text = table('big', points);
    text += `${'# padding\n'.repeat(Math.floor((DEFAULT_PROFILE_MAX_BYTES - Buffer.byteLength(text) - 1) / 10))}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(DEFAULT_PROFILE_MAX_BYTES - 16);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(DEFAULT_PROFILE_MAX_BYTES);
    const dir = dirWith({ 'big.yaml': text });
    let ticks = 0;
    let timer: NodeJS.Immediate | undefined;
    const tick = (): void => {
      ticks += 1;
      timer = setImmediate(tick);
    };
    tick();
    onTestFinished(() => clearImmediate(timer));
    const { set } = await loadProfiles(dir);
    clearImmediate(timer);
    const version = set.profiles.get('big')!.versions[0]!;
    expect(version.params).toMatchObject({ method: 'table' });
    if (version.params.method === 'table') expect(version.params.points).toHaveLength(MAX_ARRAY_ITEMS);
    // Parsed on the event loop (commit 2036009) the loop turned 268 times during this load,
    // almost all of them while the file was read; on a worker it turned 453,153 times.
    expect(ticks).toBeGreaterThan(10_000);
  });
});
