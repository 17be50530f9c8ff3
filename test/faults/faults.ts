// The faults the suite does to the running pipeline, and how long each took to heal: a SIGKILL
// of one process (restarted at once by its supervisor), the broker SIGKILLed and started again,
// Postgres stopped for a while and started again on the same data dir. "Healed" is read from
// outside: /readyz 200 and the process's committed offsets moved on (or nothing left to do).
import { setTimeout as delay } from 'node:timers/promises';
import type { PrivateBroker } from './private-stack.ts';
import type { PrivatePostgres } from '../helpers/sink-private-postgres.ts';
import { waitFor } from '../helpers/stack.ts';
import { CALIBRATED_SINK, RAW_SINK, total } from './progress.ts';
import type { Probes } from './progress.ts';
import type { FaultKind, Recovery } from './summary.ts';
import type { Supervised } from './supervisor.ts';

export const Stages = ['raw sink', 'calibrator', 'calibrated sink'] as const;
export type Stage = (typeof Stages)[number];

const killKind: Record<Stage, FaultKind> = {
  'raw sink': 'raw sink SIGKILL', calibrator: 'calibrator SIGKILL', 'calibrated sink': 'calibrated sink SIGKILL',
};

/** ` (exits nobody asked for: …)` when there were any, for a wait's failure message. */
export function unplanned(processes: readonly Supervised[]): string {
  const exits = processes.flatMap((p) => p.unplannedExits);
  if (exits.length === 0) return '';
  const last = exits.at(-1)!;
  return ` (${exits.length} exits nobody asked for; the last, ${last.process} life ${last.life}, code ${last.code}: ${last.lastOutput.slice(-600)})`;
}

export class FaultDriver {
  readonly recoveries: Recovery[] = [];
  readonly #stages: Record<Stage, Supervised>;
  readonly #probes: Probes;

  constructor(stages: Record<Stage, Supervised>, probes: Probes) {
    this.#stages = stages;
    this.#probes = probes;
  }

  /** Committed progress of a stage (summed offsets) and what "nothing left to do" would be. */
  async progress(stage: Stage): Promise<{ done: number; target: number }> {
    const p = this.#probes;
    if (stage === 'raw sink') return { done: total(await p.sink(RAW_SINK)), target: total(await p.rawEnd()) };
    if (stage === 'calibrator') return { done: total(await p.calibratorCommitted()), target: total(await p.rawEnd()) };
    return { done: total(await p.sink(CALIBRATED_SINK)), target: total((await p.settledEnds('calibrated')).committed) };
  }

  async #recovered(stage: Stage, baseline: number): Promise<boolean> {
    if (!(await this.#stages[stage].ready())) return false;
    const { done, target } = await this.progress(stage);
    return done > baseline || done >= target;
  }

  async #waitRecovered(stages: readonly Stage[], baselines: Map<Stage, number>, what: string): Promise<void> {
    const pending = new Set(stages);
    await waitFor(async () => {
      for (const stage of [...pending]) if (await this.#recovered(stage, baselines.get(stage)!)) pending.delete(stage);
      return pending.size === 0;
    }, { timeoutMs: 240_000, intervalMs: 100, message: `${[...pending].join(', ')} to be ready and progressing after ${what}${
      unplanned(Object.values(this.#stages))}:\n${[...pending].map((stage) => `--- ${stage}\n${this.#stages[stage].tail(1_500)}`).join('\n')}` });
  }

  async #baselines(): Promise<Map<Stage, number>> {
    const baselines = new Map<Stage, number>();
    for (const stage of Stages) baselines.set(stage, (await this.progress(stage)).done);
    return baselines;
  }

  /** Waits until the stage is busy (its offsets move), SIGKILLs it there, and times its recovery. */
  async kill(stage: Stage): Promise<void> {
    const before = (await this.progress(stage)).done;
    await waitFor(async () => (await this.progress(stage)).done > before,
      { timeoutMs: 120_000, intervalMs: 50, message: `${stage} to be at work before its kill:\n${this.#stages[stage].tail()}` });
    const baseline = (await this.progress(stage)).done;
    const killedAt = Date.now();
    await this.#stages[stage].kill();
    const restartedAt = Date.now();
    await this.#waitRecovered([stage], new Map([[stage, baseline]]), `the SIGKILL of the ${stage}`);
    this.recoveries.push({ kind: killKind[stage], outageMs: restartedAt - killedAt, recoveryMs: Date.now() - killedAt });
  }

  /** Stops Postgres as a crash would (immediate mode), keeps it down for `downMs`, starts it again. */
  async stopPostgres(postgres: PrivatePostgres, downMs: number): Promise<void> {
    const baselines = await this.#baselines();
    const stoppedAt = Date.now();
    postgres.crash();
    // The outage itself lasts what the issue asks for; the pipeline is left alone meanwhile.
    while (Date.now() - stoppedAt < downMs) await delay(Math.min(1_000, downMs - (Date.now() - stoppedAt)));
    postgres.start();
    const backAt = Date.now();
    await this.#waitRecovered(Stages, baselines, 'Postgres came back');
    this.recoveries.push({ kind: 'Postgres stop', outageMs: backAt - stoppedAt, recoveryMs: Date.now() - backAt });
  }

  /** SIGKILLs the broker and starts it again at once (bin/dev-stack up, which waits for a transactional produce). */
  async killBroker(broker: PrivateBroker, afterRestart: () => void): Promise<void> {
    const baselines = await this.#baselines();
    const killedAt = Date.now();
    await broker.kill();
    await broker.start();
    const backAt = Date.now();
    afterRestart();
    await this.#waitRecovered(Stages, baselines, 'the broker came back');
    this.recoveries.push({ kind: 'broker SIGKILL + restart', outageMs: backAt - killedAt, recoveryMs: Date.now() - backAt });
  }
}
