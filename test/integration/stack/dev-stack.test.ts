import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ourProcesses } from '../global-setup.js';

const run = promisify(execFile);
const devStack = join(process.cwd(), 'bin', 'dev-stack');

// A private stack on other ports and its own data dir, so this test can start and stop a
// broker without touching the one the rest of the suite uses.
function privateStackEnv(): NodeJS.ProcessEnv {
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-dev-stack-'));
  onTestFinished(async () => {
    await run(devStack, ['down'], { env: { ...process.env, KALIBRA_DEV_DIR: devDir } }).catch(() => undefined);
    rmSync(devDir, { recursive: true, force: true });
  });
  return { ...process.env, KALIBRA_DEV_DIR: devDir, KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '19093' };
}

describe('bin/dev-stack', () => {
  it('starts a formatted broker, is harmless when run twice, and leaves no process after down', async () => {
    const env = privateStackEnv();
    const devDir = env.KALIBRA_DEV_DIR!;

    const first = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(first.stdout).toContain('export KAFKA_BROKERS=127.0.0.1:19092');
    expect(ourProcesses(devDir).length).toBeGreaterThan(0);

    const second = await run(devStack, ['up'], { env, timeout: 180_000 });
    expect(second.stderr).toContain('kafka already running');

    const status = await run(devStack, ['status'], { env });
    expect(status.stdout).toMatch(/kafka: running/);

    await run(devStack, ['down'], { env, timeout: 60_000 });
    expect(ourProcesses(devDir)).toEqual([]);
    const after = await run(devStack, ['status'], { env });
    expect(after.stdout).toMatch(/kafka: stopped/);
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const failure = await run(devStack, ['sideways']).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('Usage: bin/dev-stack');
  });
});
