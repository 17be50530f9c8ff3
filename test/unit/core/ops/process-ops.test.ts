import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startProcessOps } from '../../../../topology/core/ops/process-ops.ts';

const child = fileURLToPath(new URL('./fixtures/process-child.ts', import.meta.url));
type Line = Record<string, unknown>;

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

/** Runs the fixture; `whenListening` gets the ops port once the server logs it. Resolves with exit code, raw stderr and its JSON lines. */
function runChild(env: Record<string, string>, whenListening: (port: number, kill: (signal: NodeJS.Signals) => void) => Promise<void>) {
  return new Promise<{ code: number | null; stderr: string; lines: Line[]; checks: Promise<void> }>((resolve, reject) => {
    const proc = spawn(process.execPath, [child], {
      env: { ...process.env, KALIBRA_HTTP_PORT: '0', KALIBRA_INSTANCE_ID: 'fixture-0', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let checks: Promise<void> = Promise.resolve();
    let started = false;
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /"msg":"ops server listening","process":"fixture","instance":"fixture-0","port":(\d+)/.exec(stderr);
      if (match !== null && !started) {
        started = true;
        checks = whenListening(Number(match[1]), (signal) => proc.kill(signal));
        checks.catch(() => proc.kill('SIGKILL'));
      }
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const lines = stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Line);
      resolve({ code, stderr, lines, checks });
    });
  });
}

describe('startProcessOps in a real process', () => {
  it('serves probes and metrics, runs its close hooks on SIGTERM and exits 0', async () => {
    const run = await runChild({}, async (port, kill) => {
      expect((await get(port, '/healthz')).status).toBe(200);
      expect(await get(port, '/readyz')).toMatchObject({ status: 200 });
      expect((await get(port, '/metrics')).body).toContain('kalibra_records_in_total{topic="readings.raw"} 3');
      kill('SIGTERM');
    });
    await run.checks;
    expect(run.code).toBe(0);
    const messages = run.lines.map((line) => line.msg);
    expect(messages.indexOf('work stopped')).toBeGreaterThan(messages.indexOf('shutting down'));
    expect(run.lines.find((line) => line.msg === 'shut down')).toMatchObject({ process: 'fixture', instance: 'fixture-0', exitCode: 0 });
  });

  it('logs an unhandled rejection as one redacted JSON line and exits 1 after running the close hooks', async () => {
    const password = 'fixture-db-password';
    const run = await runChild({ FATAL: '1', DATABASE_URL: `postgres://kalibra:${password}@127.0.0.1:5432/kalibra` }, () => Promise.resolve());
    await run.checks;
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain(password);
    expect(run.lines.find((line) => line.msg === 'unhandled rejection')).toMatchObject({
      level: 'error', error: { message: 'lost connection to [redacted]' },
    });
    expect(run.lines.map((line) => line.msg)).toContain('work stopped');
  });
});

describe('startProcessOps', () => {
  it('reports not ready from the moment shutdown starts, and closes its server last', async () => {
    const exits: number[] = [];
    const ops = await startProcessOps({
      name: 't', config: { httpPort: 0, logLevel: 'silent', instanceId: 'i' }, secrets: [], host: '127.0.0.1',
      installSignals: false, handleFatalErrors: false, exit: (code) => { exits.push(code); },
    });
    let readyDuringDrain: number | undefined;
    ops.shutdown.onClose('probe', async () => { readyDuringDrain = (await get(ops.server.port, '/readyz')).status; });
    expect((await get(ops.server.port, '/readyz')).status).toBe(200);
    expect(await ops.shutdown.shutdown('test')).toBe(0);
    expect(readyDuringDrain).toBe(503);
    expect(exits).toEqual([0]);
    await expect(get(ops.server.port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('kalibra_ready', () => {
  it('says on /metrics what /readyz answers, evaluated at each scrape', async () => {
    const ops = await startProcessOps({
      name: 't', config: { httpPort: 0, logLevel: 'silent', instanceId: 'i' }, secrets: [], host: '127.0.0.1',
      installSignals: false, handleFatalErrors: false, exit: () => undefined,
    });
    let ok = false;
    ops.readiness.addCheck('flag', () => ok);
    expect((await get(ops.server.port, '/metrics')).body).toMatch(/^kalibra_ready 0$/m);
    ok = true;
    expect((await get(ops.server.port, '/metrics')).body).toMatch(/^kalibra_ready 1$/m);
    await ops.shutdown.shutdown('test');
  });
});
