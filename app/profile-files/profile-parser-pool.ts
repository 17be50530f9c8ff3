// Checks profile files on worker threads, so that parsing YAML (seconds for a large table)
// never holds the event loop of the process that asked: the calibrator keeps calibrating and
// answering /readyz while 10,000 files are parsed. Workers start on demand, up to one per core;
// when idle, all but one end (the one left idle is unref'd and never keeps a process alive). A worker that crashes (out of memory on a hostile file) or stalls is
// replaced and its files are retried one by one, so the culprit is named and no input can
// make a check throw or hang. It must never parse on the caller's thread.
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CalibrationError } from '../../calibration/errors.ts';
import type { FileCheckJob, FileCheckOutcome } from './profile-file-check.ts';
import type { BatchReply, BatchRequest } from './profile-parse-messages.ts';

export interface ProfileParserPoolOptions {
  /** Largest file accepted, in bytes (KALIBRA_PROFILE_MAX_BYTES). */
  maxFileBytes: number;
  /** Worker threads at most. Default: the cores available, at most 4. */
  threads?: number;
  /** Files per message to a worker. Default 64. */
  batchSize?: number;
  /** A busy worker that reports nothing for this long is stopped and its files retried one by one. Default 60 s. */
  stallTimeoutMs?: number;
  /** Workers beyond the first end after this long without work (they hold a parser's heap). Default 5 s. */
  idleMs?: number;
  /** Heap limit of a worker, in MiB: a hostile file ends its worker, not the process. Default 512. */
  workerHeapMb?: number;
}

// The worker runs from the same tree as this module: .ts from the sources, .js from a build.
const workerUrl = new URL(`./profile-parse-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A small young generation: a parse makes short-lived garbage, and a worker's heap is memory the process may keep. */
const YOUNG_GENERATION_MB = 8;

interface Run {
  outcomes: FileCheckOutcome[];
  remaining: number;
  resolve: (outcomes: FileCheckOutcome[]) => void;
}

interface Batch {
  id: number;
  run: Run;
  /** Jobs not answered yet, by path. */
  open: Map<string, FileCheckJob>;
  isolated: boolean;
}

interface Slot {
  worker: Worker;
  batch: Batch | undefined;
  stall: NodeJS.Timeout | undefined;
}

export class ProfileParserPool {
  private readonly limit: number;
  private readonly threads: number;
  private readonly batchSize: number;
  private readonly stallTimeoutMs: number;
  private readonly idleMs: number;
  private readonly heapMb: number;
  private readonly queue: Batch[] = [];
  private readonly slots = new Set<Slot>();
  private nextBatch = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Workers started so far (for tests and the benchmark). */
  workersStarted = 0;

  constructor(options: ProfileParserPoolOptions) {
    this.limit = positive('maxFileBytes', options.maxFileBytes);
    this.threads = positive('threads', options.threads ?? Math.min(4, availableParallelism()));
    this.batchSize = positive('batchSize', options.batchSize ?? 64);
    this.stallTimeoutMs = positive('stallTimeoutMs', options.stallTimeoutMs ?? 60_000);
    this.idleMs = positive('idleMs', options.idleMs ?? 5_000);
    this.heapMb = positive('workerHeapMb', options.workerHeapMb ?? 512);
  }

  /** One outcome per job, in no particular order. Never rejects. */
  check(jobs: readonly FileCheckJob[]): Promise<FileCheckOutcome[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    if (this.closed) return Promise.resolve(jobs.map((job) => closedOutcome(job)));
    clearTimeout(this.idleTimer);
    return new Promise((resolve) => {
      const run: Run = { outcomes: [], remaining: jobs.length, resolve };
      for (let i = 0; i < jobs.length; i += this.batchSize) {
        this.queue.push(this.batchOf(run, jobs.slice(i, i + this.batchSize), false));
      }
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const slots = [...this.slots];
    this.slots.clear();
    for (const batch of this.queue.splice(0)) this.finish(batch, (job) => closedOutcome(job));
    await Promise.all(slots.map(async (slot) => {
      clearTimeout(slot.stall);
      if (slot.batch !== undefined) this.finish(slot.batch, (job) => closedOutcome(job));
      slot.batch = undefined;
      // An unref'd worker's exit would not keep the process alive while close() waits for it.
      slot.worker.ref();
      await slot.worker.terminate();
    }));
  }

  private batchOf(run: Run, jobs: readonly FileCheckJob[], isolated: boolean): Batch {
    this.nextBatch += 1;
    return { id: this.nextBatch, run, open: new Map(jobs.map((job) => [job.path, job])), isolated };
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((candidate) => candidate.batch === undefined);
      if (slot === undefined) {
        if (this.slots.size >= this.threads) return;
        slot = this.startWorker();
      }
      const batch = this.queue.shift()!;
      slot.batch = batch;
      slot.worker.ref();
      this.armStall(slot);
      const request: BatchRequest = { batch: batch.id, jobs: [...batch.open.values()], limit: this.limit, isolated: batch.isolated };
      slot.worker.postMessage(request);
    }
    if (this.queue.length === 0 && [...this.slots].every((slot) => slot.batch === undefined)) this.armIdle();
  }

  private startWorker(): Slot {
    const worker = new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }, stdout: false, stderr: false });
    this.workersStarted += 1;
    const slot: Slot = { worker, batch: undefined, stall: undefined };
    this.slots.add(slot);
    worker.on('message', (reply: BatchReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error) => this.onLost(slot, `its checker crashed: ${error.message}`));
    worker.on('exit', (code) => this.onLost(slot, `its checker exited with code ${code}`));
    return slot;
  }

  private onReply(slot: Slot, reply: BatchReply): void {
    const batch = slot.batch;
    // A reply already on its way when the worker was given up (closed, stalled) is dropped.
    if (!this.slots.has(slot) || batch === undefined || batch.id !== reply.batch) return;
    for (const outcome of reply.outcomes) {
      if (!batch.open.delete(outcome.path)) continue;
      this.record(batch.run, outcome);
    }
    if (reply.done) {
      clearTimeout(slot.stall);
      slot.batch = undefined;
      slot.worker.unref();
      // Anything the worker did not answer (it always does) is retried rather than lost.
      if (batch.open.size > 0) this.retryAlone(batch, 'its checker gave no answer');
      this.dispatch();
    } else {
      this.armStall(slot);
    }
  }

  /** A worker crashed, exited or stalled: it is replaced, and its open files are retried one by one (or, already alone, reported). */
  private onLost(slot: Slot, reason: string): void {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.stall);
    void slot.worker.terminate();
    const batch = slot.batch;
    slot.batch = undefined;
    if (batch !== undefined && batch.open.size > 0) this.retryAlone(batch, reason);
    this.dispatch();
  }

  private retryAlone(batch: Batch, reason: string): void {
    if (batch.isolated) {
      this.finish(batch, (job) => ({ path: job.path, kind: 'failed', message: `cannot check this file: ${reason}` }));
      return;
    }
    const jobs = [...batch.open.values()];
    batch.open.clear();
    this.queue.unshift(...jobs.map((job) => this.batchOf(batch.run, [job], true)));
  }

  private finish(batch: Batch, outcomeOf: (job: FileCheckJob) => FileCheckOutcome): void {
    for (const job of batch.open.values()) this.record(batch.run, outcomeOf(job));
    batch.open.clear();
  }

  private record(run: Run, outcome: FileCheckOutcome): void {
    run.outcomes.push(outcome);
    run.remaining -= 1;
    if (run.remaining === 0) run.resolve(run.outcomes);
  }

  private armStall(slot: Slot): void {
    clearTimeout(slot.stall);
    slot.stall = setTimeout(() => this.onLost(slot, `it took longer than ${Math.round(this.stallTimeoutMs / 1000)} s`), this.stallTimeoutMs);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.slots.size <= 1) return;
    this.idleTimer = setTimeout(() => {
      // One worker stays, warm: a reload then costs no thread start-up and no cold parser.
      for (const slot of [...this.slots].slice(1)) {
        if (slot.batch !== undefined) continue;
        this.slots.delete(slot);
        void slot.worker.terminate();
      }
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

function closedOutcome(job: FileCheckJob): FileCheckOutcome {
  return { path: job.path, kind: 'failed', message: 'not checked: the profile checker was closed' };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new CalibrationError('OPTION_INVALID', `profile parser pool: option ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
