// Processes and ports: what a shell gets from kill, /dev/tcp and `command -v`, for the stack's
// own background servers (each started in its own process group, so stopping the group stops
// it and nothing else).
import { spawnSync, type StdioOptions } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasMarker, removeMarker } from './markers.ts';
import { log } from './output.ts';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The pid in a pid file, or undefined when the file is missing or holds no number. */
export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a pid file whose process runs, else undefined. */
export function runningPid(file: string): number | undefined {
  const pid = readPidFile(file);
  return pid !== undefined && alive(pid) ? pid : undefined;
}

function signal(target: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(target, name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops the process group that `pid` leads: SIGTERM (to `pid` alone when it leads no group),
 * up to 30 s for `pid` to end, then SIGKILL to whatever is left of the group.
 */
async function stopGroup(pid: number, what: string): Promise<void> {
  log(`stopping ${what} (pid ${pid})`);
  if (!signal(-pid, 'SIGTERM')) signal(pid, 'SIGTERM');
  for (let waited = 0; waited < 300 && alive(pid); waited += 1) await sleep(100);
  if (alive(pid)) log(`${what} did not stop in 30 s; killing it`);
  signal(-pid, 'SIGKILL');
}

/** Stops a background server `up` started (its marker and $KALIBRA_DEV_DIR/<marker>.pid say so), and forgets it. */
export async function stopStarted(devDir: string, marker: 'kafka' | 'connect', what: string): Promise<void> {
  const pidFile = join(devDir, `${marker}.pid`);
  if (!hasMarker(devDir, marker) || !existsSync(pidFile)) return;
  const pid = runningPid(pidFile);
  if (pid !== undefined) await stopGroup(pid, what);
  rmSync(pidFile, { force: true });
  removeMarker(devDir, marker);
}

/** Whether something accepts a TCP connection on 127.0.0.1:port. */
export function portOpen(port: string | number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      socket.setTimeout(timeoutMs, () => { socket.destroy(); resolve(false); });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    } catch {
      resolve(false);
    }
  });
}

export function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether an executable of that name is on PATH (`command -v`). */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));
}

export interface RunOptions {
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to its end; true when it exited 0. By default its output goes where ours goes. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): boolean {
  const result = spawnSync(command, args, { stdio: options.stdio ?? 'inherit', env: options.env ?? process.env });
  return result.status === 0;
}

/** Runs a command and returns its stdout (trimmed), or undefined when it failed. Stderr goes to ours. */
export function output(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The command and arguments that run `command` as `user` when we are root (runuser), else as ourselves. */
export function asUser(user: string, command: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', user, '--', command, ...args]] : [command, [...args]];
}
