import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Shutdown } from '../../../../../topology/core/ops/shutdown/shutdown.ts';

const child = fileURLToPath(new URL('../fixtures/shutdown-child.ts', import.meta.url));

interface Run {
  /** Hook names in the order they ran. */
  ran: string[];
  code: number | null;
  logs: Record<string, unknown>[];
}

/** Starts the child, waits for "ready", sends `signals` (each after the previous hook output count is reached), returns what happened. */
function runChild(env: Record<string, string>, signals: { signal: NodeJS.Signals; afterLines: number }[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let stdout = '';
    let stderr = '';
    const pending = [...signals];
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const complete = stdout.split('\n');
      stdout = complete.pop() ?? '';
      lines.push(...complete);
      // lines[0] is "ready"; hook names follow.
      while (pending.length > 0 && lines.length >= 1 + pending[0]!.afterLines) proc.kill(pending.shift()!.signal);
    });
    proc.stderr.on('data', (chunk: string) => { stderr += chunk; });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const logs = stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ ran: lines.slice(1), code, logs });
    });
  });
}

describe('Shutdown in a real process', () => {
  it('runs close hooks in reverse order of registration on SIGTERM and exits 0', async () => {
    const run = await runChild({ HOOKS: 'server,consumer,producer' }, [{ signal: 'SIGTERM', afterLines: 0 }]);
    expect(run.ran).toEqual(['producer', 'consumer', 'server']);
    expect(run.code).toBe(0);
    expect(run.logs.map((line) => line.msg)).toContain('shut down');
  });

  it('runs the remaining hooks after one fails, logs the failure and exits 1', async () => {
    const run = await runChild({ HOOKS: 'a,fail-b,c' }, [{ signal: 'SIGTERM', afterLines: 0 }]);
    expect(run.ran).toEqual(['c', 'fail-b', 'a']);
    expect(run.code).toBe(1);
    const failure = run.logs.find((line) => line.msg === 'close hook failed');
    expect(failure).toMatchObject({ level: 'error', hook: 'fail-b', error: { code: 'SHUTDOWN_HOOK_FAILED', cause: { message: 'fail-b broke' } } });
  });

  it('gives up at the deadline, names the hook that hung and those not run, and exits 1', async () => {
    const run = await runChild({ HOOKS: 'first,hang-second,third', DEADLINE_MS: '300' }, [{ signal: 'SIGINT', afterLines: 0 }]);
    expect(run.ran).toEqual(['third', 'hang-second']);
    expect(run.code).toBe(1);
    expect(run.logs.find((line) => line.msg === 'shutdown deadline passed'))
      .toMatchObject({ running: 'hang-second', notRun: ['first'], error: { code: 'SHUTDOWN_TIMEOUT' } });
  });

  it('exits at once with 130 on a second SIGINT', async () => {
    const run = await runChild({ HOOKS: 'first,hang-second', DEADLINE_MS: '60000' },
      [{ signal: 'SIGINT', afterLines: 0 }, { signal: 'SIGINT', afterLines: 1 }]);
    expect(run.ran).toEqual(['hang-second']);
    expect(run.code).toBe(130);
  });

  it('ignores a second SIGTERM while shutting down and keeps waiting for the hooks', async () => {
    const run = await runChild({ HOOKS: 'a,hang-b', DEADLINE_MS: '1000' },
      [{ signal: 'SIGTERM', afterLines: 0 }, { signal: 'SIGTERM', afterLines: 1 }]);
    expect(run.ran).toEqual(['hang-b']);
    expect(run.logs.map((line) => line.msg)).toEqual(expect.arrayContaining(['SIGTERM received again; shutdown already in progress', 'shutdown deadline passed']));
    expect(run.code).toBe(1);
  });
});

describe('Shutdown', () => {
  it('runs its hooks only once however often it is asked, and aborts its signal first', async () => {
    const exits: number[] = [];
    const calls: string[] = [];
    const shutdown = new Shutdown({ exit: (code) => { exits.push(code); }, onStart: () => calls.push('start') });
    shutdown.onClose('a', () => { calls.push(`a aborted=${shutdown.signal.aborted}`); });
    const [first, second] = await Promise.all([shutdown.shutdown('test'), shutdown.shutdown('again')]);
    expect([first, second]).toEqual([0, 0]);
    expect(calls).toEqual(['start', 'a aborted=true']);
    expect(shutdown.signal.reason).toMatchObject({ code: 'SHUTTING_DOWN', message: 'shutting down: test' });
    expect(exits).toEqual([0]);
  });

  it('exits 1 when started for a fatal error even if every hook succeeds', async () => {
    const exits: number[] = [];
    const shutdown = new Shutdown({ exit: (code) => { exits.push(code); } });
    expect(await shutdown.shutdown('consumer crashed', true)).toBe(1);
    expect(exits).toEqual([1]);
  });

  it('rejects a deadline that is not a positive number', () => {
    expect(() => new Shutdown({ deadlineMs: 0 })).toThrow(/deadlineMs must be a positive number/);
  });
});
