// Brings the local stack up for the integration project when it is not already up,
// and, when this run started it, brings it down afterwards and checks that no process
// of ours is left behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const devStack = join(root, 'bin', 'dev-stack');

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Processes whose command line points into this checkout's .dev/ (our broker, our Connect worker). */
export function ourProcesses(devDir = join(root, '.dev')): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(devDir) && !line.includes('ps -eo'));
}

export default async function setup(): Promise<() => void> {
  const kafkaPort = Number((process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0]?.split(':')[1] ?? 9092);
  const alreadyUp = await portOpen(kafkaPort);
  if (!alreadyUp || process.env.CI) {
    // `up` is idempotent; under CI it also proves the readiness check passes.
    execFileSync(devStack, ['up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const startedHere = !alreadyUp;
  return () => {
    if (!startedHere || process.env.KALIBRA_KEEP_STACK) return;
    execFileSync(devStack, ['down'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const pidFile = join(root, '.dev', 'kafka.pid');
    const left = ourProcesses();
    if (existsSync(pidFile) || left.length > 0) {
      const pid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : 'none';
      throw new Error(`bin/dev-stack down left processes behind (pid file ${pid}):\n${left.join('\n')}`);
    }
  };
}
