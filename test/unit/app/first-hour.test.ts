import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/sink-fixtures.ts';

// What a new user meets in the first hour, through the real bin/ entries (issue 21): each
// mistake gets one line that names what was typed, and the exit code the README promises.
// No broker is needed: every case fails or finishes before a connection is made.

interface Run { code: number | null; stdout: string; stderr: string }

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(join(repoRoot, command), args, { cwd: repoRoot, env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}

// Each case spawns a process or three (about a second each on an idle machine, more under load).
describe('the first hour', { timeout: 60_000 }, () => {
  it('bin/simulate refuses a duration without a unit, naming the flag', async () => {
    const { code, stderr } = await run('bin/simulate', ['--duration', '5']);
    expect(code).toBe(2);
    expect(stderr).toBe('bin/simulate: --duration: "5" has no unit (write 5s, 5ms, 5m or 5h) (see --help)\n');
  });

  it('bin/simulate says so and exits 1 when it sent nothing', async () => {
    const { code, stdout, stderr } = await run('bin/simulate', ['--duration', '0']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ readings: 0, backfilled: false });
    expect(stderr).toMatch(/^bin\/simulate: sent nothing \(/m);
  });

  it('a bad flag value names the flag, not the environment variable behind it', async () => {
    const mapping = await run('bin/sink', ['--mapping', 'foo']);
    expect(mapping.code).toBe(2);
    expect(mapping.stderr).toBe('bin/sink: --mapping: "foo" is not one of raw, calibrated (see --help)\n');
    const port = await run('bin/calibrator', ['--kalibra-http-port', '99999']);
    expect(port.code).toBe(2);
    expect(port.stderr).toBe('bin/calibrator: --kalibra-http-port: 99999 is above the maximum 65535 (see --help)\n');
    // From the environment, the variable is what was typed.
    const env = await run('bin/calibrator', [], { KALIBRA_HTTP_PORT: '99999' });
    expect(env.stderr).toBe('bin/calibrator: KALIBRA_HTTP_PORT: 99999 is above the maximum 65535 (see --help)\n');
  });

  it('the README\'s --no-gate is a flag of bin/calibrator', async () => {
    const { code, stdout } = await run('bin/calibrator', ['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--no-gate');
    expect(stdout).toContain('--kalibra-output-format');
  });

  it('bin/run-ts prints a one-line usage and exits 2 for --help, no name, or an unknown name', async () => {
    for (const args of [['--help'], [], ['frob']]) {
      const { code, stdout, stderr } = await run('bin/run-ts', args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr).toContain('usage: bin/run-ts <name>');
      expect(stderr).not.toContain('MODULE_NOT_FOUND');
    }
    expect((await run('bin/run-ts', ['frob'])).stderr).toContain('unknown name \'frob\'');
  });

  it('bin/dev-stack says "unknown command" before its usage', async () => {
    const { code, stderr, stdout } = await run('bin/dev-stack', ['frob']);
    expect(code).toBe(2);
    expect(`${stderr}${stdout}`).toContain('unknown command: frob');
  });
});
