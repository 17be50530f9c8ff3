// Whether the process should receive work: a set of named conditions ("consumer assigned",
// "database reachable") that components set, plus checks evaluated on each probe. /readyz
// answers 200 only when every condition holds and shutdown has not begun.
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface ReadinessReport {
  ready: boolean;
  /** Names of the conditions that do not hold (and `shutting-down`). */
  failing: string[];
}

export class Readiness {
  readonly #conditions = new Map<string, boolean>();
  readonly #checks = new Map<string, ReadinessCheck>();
  #shuttingDown = false;

  /** Declares or updates a condition, e.g. set('consumer-assigned', true). A declared condition starts false. */
  set(name: string, ok: boolean): void {
    this.#conditions.set(name, ok);
  }

  /** A condition evaluated at each probe (e.g. a cheap DB ping); a throw counts as not ready. */
  addCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** From now on the process is never ready again: Kubernetes stops routing to it while it drains. */
  markShuttingDown(): void {
    this.#shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    const failing = [...this.#conditions].filter(([, ok]) => !ok).map(([name]) => name);
    const results = await Promise.all([...this.#checks].map(async ([name, check]) => {
      try {
        return (await check()) ? undefined : name;
      } catch {
        return name;
      }
    }));
    for (const name of results) if (name !== undefined) failing.push(name);
    if (this.#shuttingDown) failing.push('shutting-down');
    return { ready: failing.length === 0, failing };
  }
}
