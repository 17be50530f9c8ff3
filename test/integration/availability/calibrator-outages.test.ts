// Issue 16, findings 2 and 3: bin/calibrator survives its broker and its gate's Postgres going
// away, for longer than the ~29 s after which it used to exit, says so once on loss and once
// on recovery, answers /readyz with 503 and the reason meanwhile (200 again after), and
// calibrates again once they are back. It runs against a PRIVATE broker (bin/dev-stack on its
// own ports and dev dir) and a private Postgres, so the shared ones are never stopped.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin, FetchIsolationLevels } from '@platformatic/kafka';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate } from '../../../connectors/postgres/migrate.ts';
import { opsPort, spawnBin, started } from '../../helpers/pipeline-processes.ts';
import type { PipelineProcess } from '../../helpers/pipeline-processes.ts';
import { freePort, privatePostgres } from '../../helpers/sink-private-postgres.ts';
import { repoRoot } from '../../helpers/sink-fixtures.ts';
import { databaseUrl, uniqueName, waitFor } from '../../helpers/stack.ts';

const run = promisify(execFile);
const devStack = join(repoRoot, 'bin', 'dev-stack');
const OUTAGE_MS = 40_000;

/** A broker of this test's own: bin/dev-stack on free ports and a temp dev dir; `down` stops only it. */
async function privateBroker(): Promise<{ address: string; up(): Promise<void>; down(): Promise<void> }> {
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-outage-'));
  const [kafkaPort, controllerPort] = [await freePort(), await freePort()];
  // DATABASE_URL set: dev-stack uses that Postgres and never starts or stops one.
  const env = { ...process.env, KALIBRA_DEV_DIR: devDir, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(controllerPort), DATABASE_URL: databaseUrl() };
  const up = async (): Promise<void> => { await run(devStack, ['up'], { env, timeout: 180_000 }); };
  const down = async (): Promise<void> => { await run(devStack, ['down'], { env, timeout: 60_000 }); };
  onTestFinished(async () => {
    await down().catch(() => undefined);
    rmSync(devDir, { recursive: true, force: true });
  });
  await up();
  return { address: `127.0.0.1:${kafkaPort}`, up, down };
}

async function readyz(port: number): Promise<{ status: number; body: { ready: boolean; failing: string[]; reasons: Record<string, string> } }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.json() as { ready: boolean; failing: string[]; reasons: Record<string, string> } };
}

/** Records committed to `topic` (read_committed end offsets, summed over partitions). */
async function committedCount(address: string, topic: string): Promise<number> {
  const admin = new Admin({ clientId: uniqueName('outage-admin'), bootstrapBrokers: [address] });
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    const partitions = [...Array(metadata.topics.get(topic)?.partitionsCount ?? 0).keys()];
    const offsets = await admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }], isolationLevel: FetchIsolationLevels.READ_COMMITTED });
    return offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Number(p.offset), 0);
  } finally {
    await admin.close();
  }
}

function count(output: string, text: string): number {
  return output.split(text).length - 1;
}

async function simulate(address: string, records: number): Promise<void> {
  const proc = spawnBin('simulate', ['--max-records', String(records)], { KAFKA_BROKERS: address });
  expect(await proc.exited, proc.output()).toBe(0);
}

function alive(proc: PipelineProcess): void {
  expect(proc.child.exitCode, proc.output().slice(-3_000)).toBeNull();
}

describe('bin/calibrator through outages', () => {
  it('survives its broker and its gate\'s Postgres going away, not ready meanwhile (with the reason), and calibrates again after', async () => {
    const broker = await privateBroker();
    const topics = spawnBin('topics', ['apply'], { KAFKA_BROKERS: broker.address });
    expect(await topics.exited, topics.output()).toBe(0);

    // The gate admits everything: the raw sink's offsets table says so.
    const postgres = await privatePostgres();
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await migrate(client, 'public');
    for (let partition = 0; partition < 64; partition++) {
      await client.query('INSERT INTO kalibra_sink_offsets (connector, topic, partition, next_offset) VALUES ($1, $2, $3, $4)',
        ['kalibra-sink-raw', 'readings.raw', partition, '1000000000']);
    }
    await client.end();

    const calibrator = spawnBin('calibrator', [], {
      KAFKA_BROKERS: broker.address, DATABASE_URL: postgres.url, KALIBRA_INSTANCE_ID: uniqueName('outage'),
      KALIBRA_PROFILES_DIR: join(repoRoot, 'calibration-profiles'),
    });
    const port = await opsPort(calibrator);
    await started(calibrator, 'bin/calibrator');
    await waitFor(async () => (await readyz(port)).status === 200, { timeoutMs: 60_000, message: 'ready' });
    await simulate(broker.address, 50);
    await waitFor(async () => await committedCount(broker.address, 'readings.calibrated') >= 40, { timeoutMs: 60_000, message: 'first calibrations' });

    // The gate's Postgres goes away: not ready, one log line; back: ready again, one log line.
    postgres.crash();
    const noGate = await waitFor(async () => { const r = await readyz(port); return r.status === 503 && r.body.reasons['postgres-gate'] !== undefined && r; },
      { timeoutMs: 30_000, message: '503 while the gate has no Postgres' });
    expect(noGate.body.reasons['postgres-gate']).toMatch(/the gate cannot reach Postgres/);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    alive(calibrator);
    postgres.start();
    await waitFor(async () => (await readyz(port)).status === 200, { timeoutMs: 30_000, message: 'ready again after Postgres came back' });
    expect(count(calibrator.output(), 'gate lost its Postgres connection')).toBe(1);
    expect(count(calibrator.output(), 'gate reconnected to Postgres')).toBe(1);

    // The broker goes away for longer than the old ~29 s limit.
    const before = await committedCount(broker.address, 'readings.calibrated');
    await broker.down();
    const stoppedAt = Date.now();
    const noBroker = await waitFor(async () => { const r = await readyz(port); return r.status === 503 && r.body.reasons.kafka !== undefined && r; },
      { timeoutMs: 30_000, message: '503 while the broker is down' });
    expect(noBroker.body.reasons.kafka).toContain(broker.address);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      alive(calibrator);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    alive(calibrator);
    await broker.up();
    await waitFor(async () => (await readyz(port)).status === 200, { timeoutMs: 90_000, message: `ready again after the broker came back:\n${calibrator.output().slice(-3_000)}` });

    await simulate(broker.address, 50);
    await waitFor(async () => await committedCount(broker.address, 'readings.calibrated') >= before + 40,
      { timeoutMs: 90_000, message: `calibrations after the outage:\n${calibrator.output().slice(-3_000)}` });
    alive(calibrator);
    expect(calibrator.output()).not.toContain('"msg":"runtime failed"');
    expect(count(calibrator.output(), 'recovered: processing again')).toBeGreaterThanOrEqual(1);

    calibrator.child.kill('SIGTERM');
    expect(await calibrator.exited).toBe(0);
  }, 420_000);
});
