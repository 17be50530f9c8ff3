import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_FLEET_DIR } from '../../../helpers/demo-fleet.ts';

// The logic is tested in profiles-command.test.ts; this only proves the wrapper passes the
// exit code and streams through, as CI relies on `bin/profiles check` failing.
const run = promisify(execFile);

describe('bin/profiles (the process)', () => {
  it('exits non-zero with file:line:col on stderr for an invalid directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kalibra-bin-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'x.yaml'), 'sensor: x\ninput_unit: c\nunit: c\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1}\n');
    const failure = await run('bin/profiles', ['check', dir]).then(() => undefined, (error: unknown) => error as { code: number; stderr: string });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(`${join(dir, 'x.yaml')}:5:5: versions[0].offset: missing required key "offset"\n`);
  });

  it('exits 0 for the demo fleet', async () => {
    const { stdout } = await run('bin/profiles', ['check', DEMO_FLEET_DIR]);
    expect(stdout).toContain('all valid');
  });
});
