// The fault suite's own broker and Postgres: bin/dev-stack on free ports and a temporary dev
// dir (a broker the suite may SIGKILL), and an initdb'd server in a temp dir (one it may stop).
// Never the shared stack on 9092/5432: other tests and people use those.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { alive, readPidFile } from '../../dev/stack/processes.ts';
import { repoRoot } from '../helpers/pipeline-processes.ts';
import { freePort, privatePostgres } from '../helpers/sink-private-postgres.ts';
import type { PrivatePostgres } from '../helpers/sink-private-postgres.ts';
import { waitFor } from '../helpers/stack.ts';

const run = promisify(execFile);
const devStack = join(repoRoot, 'bin', 'dev-stack');

export interface PrivateBroker {
  readonly address: string;
  /** SIGKILLs the broker's JVM and waits until it is gone. */
  kill(): Promise<void>;
  /** `bin/dev-stack up` on the same data dir: returns once a transactional produce succeeds. */
  start(): Promise<void>;
}

/** A broker of the suite's own; `databaseUrl` is a Postgres dev-stack uses instead of looking for one (it never starts or stops it). */
export async function privateBroker(databaseUrl: string): Promise<PrivateBroker> {
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-faults-kafka-'));
  const [kafkaPort, controllerPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env, KALIBRA_DEV_DIR: devDir, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(controllerPort),
    DATABASE_URL: databaseUrl,
  };
  const start = async (): Promise<void> => { await run(devStack, ['up'], { env, timeout: 240_000 }); };
  const kill = async (): Promise<void> => {
    const pid = readPidFile(join(devDir, 'kafka.pid'));
    if (pid === undefined) throw new Error(`no broker pid in ${devDir}/kafka.pid`);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !alive(pid), { timeoutMs: 30_000, message: `the broker (pid ${pid}) to be gone after SIGKILL` });
  };
  onTestFinished(async () => {
    await run(devStack, ['down'], { env, timeout: 60_000 }).catch(() => undefined);
    rmSync(devDir, { recursive: true, force: true });
  });
  await start();
  return { address: `127.0.0.1:${kafkaPort}`, kill, start };
}

export interface FaultStack {
  readonly broker: PrivateBroker;
  readonly postgres: PrivatePostgres;
}

/** Postgres first (dev-stack waits for the database it is given), then the broker. */
export async function privateStack(): Promise<FaultStack> {
  const postgres = await privatePostgres({ settings: ['max_connections=200'] });
  const broker = await privateBroker(postgres.url);
  return { broker, postgres };
}
