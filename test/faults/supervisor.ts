// A supervisor for one pipeline process, as Kubernetes would be: it restarts the process after
// the suite SIGKILLs it, and only then. An exit the suite did not cause is what would need a
// person: it is recorded (code, signal, last output) and the process started again so the run
// can go on, and the suite fails on it. Each life's output is appended to a log file.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/pipeline-processes.ts';

export interface UnplannedExit {
  process: string;
  life: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  atMs: number;
  lastOutput: string;
}

interface Life {
  readonly number: number;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  port: number | undefined;
  killedBySuite: boolean;
  tail: string;
}

const PORT_LINE = /"msg":"ops server listening".*?"port":(\d+)/;

export class Supervised {
  readonly name: string;
  readonly unplannedExits: UnplannedExit[] = [];
  kills = 0;
  #life: Life | undefined;
  #lives = 0;
  #stopping = false;
  readonly #command: string;
  readonly #args: (life: number) => string[];
  readonly #restartOnItsOwnExit: boolean;
  readonly #env: Record<string, string>;
  readonly #logFile: string;

  /**
   * `args` may depend on the life (1, 2, …). `restartOnItsOwnExit` false: an exit the suite did
   * not cause is recorded but the process stays down until start() is called again.
   */
  constructor(name: string, command: string, args: string[] | ((life: number) => string[]), env: Record<string, string>, logDir: string,
    options: { restartOnItsOwnExit?: boolean } = {}) {
    this.name = name;
    this.#command = command;
    this.#args = typeof args === 'function' ? args : () => args;
    this.#restartOnItsOwnExit = options.restartOnItsOwnExit ?? true;
    this.#env = env;
    this.#logFile = join(logDir, `${name.replaceAll(' ', '-')}.log`);
  }

  start(): void {
    const number = ++this.#lives;
    const child = spawn(join(repoRoot, 'bin', this.#command), this.#args(number), {
      cwd: repoRoot, env: { ...process.env, KALIBRA_HTTP_PORT: '0', ...this.#env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve(); }); });
    const life: Life = { number, child, exited, port: undefined, killedBySuite: false, tail: '' };
    appendFileSync(this.#logFile, `\n===== ${this.name}: life ${number}, pid ${child.pid}, ${new Date().toISOString()}\n`);
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString();
      appendFileSync(this.#logFile, text);
      life.tail = (life.tail + text).slice(-8_000);
      if (life.port === undefined) {
        const match = PORT_LINE.exec(life.tail);
        if (match) life.port = Number(match[1]);
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code, signal) => {
      appendFileSync(this.#logFile, `\n===== ${this.name}: life ${number} exited (code ${code}, signal ${signal})\n`);
      if (life.killedBySuite || this.#stopping) return;
      // Nobody asked it to go: this is the restart a person would have had to do.
      this.unplannedExits.push({ process: this.name, life: number, code, signal, atMs: Date.now(), lastOutput: life.tail.slice(-2_000) });
      if (this.#life === life && this.#restartOnItsOwnExit) this.start();
    });
    this.#life = life;
  }

  /** The current life's ops port, once it has logged it. */
  get port(): number | undefined {
    return this.#life?.port;
  }

  get life(): number {
    return this.#lives;
  }

  /** Whether the current life is still running. */
  get running(): boolean {
    const child = this.#life?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** SIGKILL the current life, wait for it to be gone, start the next one at once. */
  async kill(): Promise<void> {
    const life = this.#life;
    if (life === undefined) throw new Error(`${this.name} was never started`);
    life.killedBySuite = true;
    life.child.kill('SIGKILL');
    await life.exited;
    this.kills += 1;
    this.start();
  }

  /** Whether /readyz answers 200 right now. */
  async ready(): Promise<boolean> {
    const port = this.port;
    if (port === undefined) return false;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3_000) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** SIGTERM and the exit code, or 'late' when it has not exited within `graceMs` (then SIGKILLed). */
  async stop(graceMs: number): Promise<number | null | 'late'> {
    this.#stopping = true;
    const life = this.#life;
    if (life === undefined || life.child.exitCode !== null || life.child.signalCode !== null) return life?.child.exitCode ?? null;
    life.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => { resolve('late'); }, graceMs); });
    const outcome = await Promise.race([life.exited.then(() => life.child.exitCode), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      life.child.kill('SIGKILL');
      await life.exited;
    }
    return outcome;
  }

  /** SIGKILL without restarting: for cleanup after a failed run. */
  async abandon(): Promise<void> {
    this.#stopping = true;
    const life = this.#life;
    if (life === undefined || life.child.exitCode !== null || life.child.signalCode !== null) return;
    life.child.kill('SIGKILL');
    await life.exited;
  }

  /** The current life's last output, for failure messages. */
  tail(chars = 2_000): string {
    return this.#life?.tail.slice(-chars) ?? '';
  }
}
