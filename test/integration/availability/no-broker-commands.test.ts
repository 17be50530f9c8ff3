// Issue 16, finding 8: every command that needs Kafka, run against an address where no broker
// answers, says within a few seconds which address it tried and that `bin/dev-stack up` starts
// the local one, and exits 3 (docs/contributing.md#exit-codes). bin/simulate stops at once on
// SIGINT or SIGTERM while it waits for a broker that accepts connections but never answers.
// Nothing here touches the shared broker.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnBin } from '../../helpers/pipeline-processes.ts';
import type { PipelineProcess } from '../../helpers/pipeline-processes.ts';
import { freePort } from '../../helpers/sink-private-postgres.ts';

const EXIT_BROKER_UNREACHABLE = 3;

/** A port nothing listens on. */
async function deadAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

/** A port that accepts connections and never answers (a hung broker). */
async function silentAddress(): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => { sockets.add(socket); socket.on('error', () => undefined); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function exitCode(proc: PipelineProcess, withinMs: number): Promise<number | null | 'running'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([proc.exited, new Promise<'running'>((resolve) => { timer = setTimeout(() => resolve('running'), withinMs); })]);
  clearTimeout(timer);
  return outcome;
}

const commands: [string, string[]][] = [
  ['simulate', ['--max-records', '10']],
  ['replay', ['--dry-run', '--from', '1h']],
  ['replay', ['--watch']],
  ['topics', ['apply', '--check']],
  ['topics', ['apply']],
];

describe('commands with no broker answering', () => {
  it.each(commands)('bin/%s %j names the address and bin/dev-stack up, and exits 3 within a few seconds', async (command, args) => {
    const address = await deadAddress();
    const started = Date.now();
    const proc = spawnBin(command, [...args, '--kafka-brokers', address], {});
    const code = await exitCode(proc, 15_000);
    expect(code, proc.output()).toBe(EXIT_BROKER_UNREACHABLE);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(proc.output()).toContain(`cannot reach a Kafka broker at ${address}`);
    expect(proc.output()).toContain('bin/dev-stack up');
  });

  it('bin/simulate gives up on a broker that never answers, naming it', async () => {
    const address = await silentAddress();
    const proc = spawnBin('simulate', ['--max-records', '10'], { KAFKA_BROKERS: address });
    expect(await exitCode(proc, 15_000), proc.output()).toBe(EXIT_BROKER_UNREACHABLE);
    expect(proc.output()).toContain(`cannot reach a Kafka broker at ${address}`);
  });

  // Refused: the client retries forever and used to ignore both signals. Silent: a hung broker.
  it.each([['SIGINT', 'refused'], ['SIGTERM', 'refused'], ['SIGINT', 'silent'], ['SIGTERM', 'silent']] as const)(
    'bin/simulate stops at once on %s at any moment while it cannot reach the broker (%s)', async (signal, kind) => {
      const address = kind === 'refused' ? await deadAddress() : await silentAddress();
      const proc = spawnBin('simulate', [], { KAFKA_BROKERS: address });
      // Node and the loader start first; then it is connecting (or has already given up, exit 3).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const sent = Date.now();
      proc.child.kill(signal);
      const code = await exitCode(proc, 3_000);
      expect(code, `still running ${Date.now() - sent} ms after ${signal}:\n${proc.output()}`).not.toBe('running');
      // Its handler exits 130 (3 when it had already found no broker); a signal that lands
      // before Node installed the handler ends it just as promptly.
      expect(code === 130 || code === EXIT_BROKER_UNREACHABLE || proc.child.signalCode === signal, `exit ${String(code)} / ${String(proc.child.signalCode)}`).toBe(true);
    });
});
