// A private Kafka Connect worker for the Connect integration tests: started by
// dev/connect/connect-up on a free port, with its own group id, internal topics and dev dir,
// against the shared broker; stopped (process group), its topics deleted and its dev dir
// removed afterwards, with a check that no process of it is left. Also the few REST calls
// the tests make. It never touches the shared broker's or anyone else's processes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../../app/demo/demo-processes.ts';
import { alive } from '../../../dev/stack/processes.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { ourProcesses } from '../global-setup.ts';
import { brokers, databaseUrl, uniqueName, waitFor } from '../../helpers/stack.ts';

const run = promisify(execFile);
const connectUp = join(process.cwd(), 'dev', 'connect', 'connect-up');

export interface ConnectWorker {
  /** REST base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The worker's process (and process group) id; a new one after restart(). */
  readonly pid: number;
  readonly devDir: string;
  /** The Connect cluster id, also the prefix of its internal topics. */
  readonly groupId: string;
  /** What connect-up said on stderr (fetch and start times). */
  readonly startLog: string;
  stop(): Promise<void>;
  /** SIGKILLs the worker's process group, as a crash would, and waits until it is gone; nothing is cleaned up. */
  kill(): Promise<void>;
  /** Starts the worker again with the same cluster id, port and dev dir: it resumes the connectors it had. */
  restart(): Promise<void>;
}

/**
 * Starts a worker. `timeZone` is the zone the host would give the JVM (TZ); connect-up must
 * pin the worker to UTC regardless, which the tests check by the instants that land.
 */
export async function startConnectWorker(options: { timeZone: string }): Promise<ConnectWorker> {
  const devDir = mkdtempSync(join(tmpdir(), 'kalibra-connect-'));
  const port = await freePort();
  const groupId = uniqueName('kalibra-connect-test');
  const env = {
    ...process.env,
    TZ: options.timeZone,
    KALIBRA_DEV_DIR: devDir,
    KALIBRA_CONNECT_PORT: String(port),
    KALIBRA_CONNECT_GROUP_ID: groupId,
    KAFKA_BROKERS: brokers().join(','),
    DATABASE_URL: databaseUrl(),
  };
  const up = async (): Promise<{ pid: number; startLog: string }> => {
    try {
      // The first run fetches the jars from Maven Central; later runs start from the cache.
      const started = await run(connectUp, [], { env, timeout: 600_000 });
      return { pid: Number(readFileSync(join(devDir, 'connect.pid'), 'utf8').trim()), startLog: started.stderr };
    } catch (error) {
      throw new Error(`dev/connect/connect-up failed: ${(error as { stderr?: string }).stderr ?? String(error)}\n${readLog(devDir)}`, { cause: error });
    }
  };
  let current: { pid: number; startLog: string };
  try {
    current = await up();
  } catch (error) {
    rmSync(devDir, { recursive: true, force: true });
    throw error;
  }

  const kill = async (): Promise<void> => {
    const { pid } = current;
    if (!alive(pid)) return;
    process.kill(-pid, 'SIGKILL');
    await waitFor(() => !alive(pid) && ourProcesses(devDir).length === 0, { timeoutMs: 30_000, message: `Kafka Connect (pid ${pid}) to die on SIGKILL` });
  };

  const stop = async (): Promise<void> => {
    const { pid } = current;
    if (alive(pid)) {
      process.kill(-pid, 'SIGTERM');
      try {
        await waitFor(() => !alive(pid), { timeoutMs: 30_000, message: `Kafka Connect (pid ${pid}) to stop on SIGTERM` });
      } catch {
        process.kill(-pid, 'SIGKILL');
        await waitFor(() => !alive(pid), { timeoutMs: 10_000, message: `Kafka Connect (pid ${pid}) to die on SIGKILL` });
      }
    }
    const admin = new Admin({ clientId: uniqueName('connect-cleanup'), bootstrapBrokers: brokers() });
    try {
      await admin.deleteTopics({ topics: ['configs', 'offsets', 'status'].map((suffix) => `${groupId}-${suffix}`) });
    } catch {
      // not created: the worker never got that far
    } finally {
      await admin.close();
    }
    const left = ourProcesses(devDir);
    rmSync(devDir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`Kafka Connect left processes behind:\n${left.join('\n')}`);
  };

  const restart = async (): Promise<void> => {
    if (alive(current.pid)) throw new Error(`restart: Kafka Connect (pid ${current.pid}) is still running`);
    current = await up();
  };

  return {
    url: `http://127.0.0.1:${port}`, devDir, groupId,
    get pid() { return current.pid; },
    get startLog() { return current.startLog; },
    stop, kill, restart,
  };
}

export function readLog(devDir: string): string {
  try {
    return readFileSync(join(devDir, 'logs', 'connect.log'), 'utf8');
  } catch {
    return '';
  }
}

export interface ConnectorStatus {
  connector: { state: string };
  tasks: { id: number; state: string; trace?: string }[];
}

async function rest(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text.length === 0 ? undefined : JSON.parse(text) as unknown };
}

/** Creates (or replaces) a connector's config. */
export async function putConnector(worker: ConnectWorker, name: string, config: Record<string, string>): Promise<void> {
  const answer = await rest('PUT', `${worker.url}/connectors/${encodeURIComponent(name)}/config`, config);
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`PUT connector ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

export async function connectorStatus(worker: ConnectWorker, name: string): Promise<ConnectorStatus | undefined> {
  const answer = await rest('GET', `${worker.url}/connectors/${encodeURIComponent(name)}/status`);
  return answer.status === 200 ? answer.body as ConnectorStatus : undefined;
}

/** Pauses or resumes a connector and waits until its connector and tasks say so. */
export async function setConnectorState(worker: ConnectWorker, name: string, state: 'PAUSED' | 'RUNNING'): Promise<void> {
  const answer = await rest('PUT', `${worker.url}/connectors/${encodeURIComponent(name)}/${state === 'PAUSED' ? 'pause' : 'resume'}`);
  if (answer.status !== 202) throw new Error(`${state === 'PAUSED' ? 'pause' : 'resume'} ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  await waitFor(async () => {
    const status = await connectorStatus(worker, name);
    return status?.connector.state === state && status.tasks.length > 0 && status.tasks.every((task) => task.state === state);
  }, { timeoutMs: 60_000, message: `connector ${name} to be ${state}` });
}

export async function deleteConnector(worker: ConnectWorker, name: string): Promise<void> {
  const answer = await rest('DELETE', `${worker.url}/connectors/${encodeURIComponent(name)}`);
  if (answer.status !== 204 && answer.status !== 404) {
    throw new Error(`DELETE connector ${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/**
 * Deletes consumer groups (a sink connector's `connect-<name>`, a test consumer's), retrying
 * while a member is still leaving: a group with members cannot be deleted.
 */
export async function deleteGroups(groups: string[]): Promise<void> {
  const admin = new Admin({ clientId: uniqueName('connect-cleanup'), bootstrapBrokers: brokers() });
  try {
    await waitFor(async () => {
      await admin.deleteGroups({ groups });
      return true;
    }, { timeoutMs: 30_000, intervalMs: 500, message: `consumer groups ${groups.join(', ')} to be deleted` });
  } finally {
    await admin.close();
  }
}

export { freePort };
