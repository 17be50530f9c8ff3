// One long-running Kalibra command (a sink or the calibrator) started by the demo: its own
// process group (so the terminal's Ctrl-C reaches the demo only and the demo stops children
// in order), output to a log file, readiness from its /readyz. Never kills anything it did
// not start.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { DemoError } from './errors.ts';

export interface ChildSpec {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Where relative paths (./calibration-profiles) resolve: the checkout, wherever the demo was started. */
  cwd: string;
  logFile: string;
  /** The KALIBRA_HTTP_PORT given to it. */
  port: number;
}

export class DemoChild {
  readonly spec: ChildSpec;
  readonly #process: ChildProcess;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;

  constructor(spec: ChildSpec) {
    this.spec = spec;
    const log = openSync(spec.logFile, 'a');
    try {
      this.#process = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', log, log], detached: true });
    } finally {
      closeSync(log);
    }
    this.#exited = new Promise((resolve) => {
      this.#process.once('exit', (code, signal) => { this.#exit = { code, signal }; resolve(); });
      this.#process.once('error', () => { this.#exit ??= { code: null, signal: null }; resolve(); });
    });
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  get exited(): boolean {
    return this.#exit !== undefined;
  }

  get exitDescription(): string {
    if (this.#exit === undefined) return 'running';
    return this.#exit.signal === null ? `exit code ${this.#exit.code ?? 'unknown'}` : `signal ${this.#exit.signal}`;
  }

  async ready(): Promise<boolean> {
    return (await this.readiness()) === 'ready';
  }

  /** /readyz's answer; 'busy' when none came within 1 s (a process deep in a back-fill), which is not the same as not ready. */
  async readiness(): Promise<'ready' | 'not ready' | 'busy'> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.spec.port}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return response.status === 200 ? 'ready' : 'not ready';
    } catch (error) {
      return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'busy' : 'not ready';
    }
  }

  async metrics(): Promise<string | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.spec.port}/metrics`, { signal: AbortSignal.timeout(1_000) });
      return response.ok ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  }

  /** Resolves once /readyz answers 200; fails if the process exits first or the deadline passes. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.ready())) {
      if (this.exited) throw new DemoError('CHILD_EXITED', `${this.spec.name} exited (${this.exitDescription}) before it was ready; see ${this.spec.logFile}`);
      if (Date.now() > deadline) throw new DemoError('CHILD_NOT_READY', `${this.spec.name} was not ready within ${Math.round(timeoutMs / 1000)} s; see ${this.spec.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** SIGTERM, wait for a clean exit; SIGKILL the process group if it is not gone in time. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return;
    this.#signal('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([this.#exited.then(() => 'exited' as const), timer])) === 'timeout') {
      this.#signal('SIGKILL');
      await this.#exited;
    }
  }

  /** Synchronous last resort when the demo itself is exiting abnormally. */
  killNow(): void {
    if (!this.exited) this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#process.pid;
    if (pid === undefined) return;
    try {
      // The child leads its own process group (detached): the signal reaches the node process
      // run-ts exec'd, and nothing outside the group.
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }
}
