// Whether the process should receive work: a set of named conditions ("consumer assigned",
// "database reachable") that components set, plus checks evaluated on each probe. /readyz
// answers 200 only when every condition holds and shutdown has not begun; otherwise 503 with
// the failing names and, where a component said why, the reason (never a secret).
/** true: ready; false or `{ reason }`: not ready (with the reason shown on /readyz). */
export type ReadinessResult = boolean | { reason: string };
export type ReadinessCheck = () => ReadinessResult | Promise<ReadinessResult>;

export interface ReadinessReport {
  ready: boolean;
  /** Names of the conditions that do not hold (and `shutting-down`). */
  failing: string[];
  /** Why, per failing name, when known. */
  reasons: Record<string, string>;
}

export class Readiness {
  readonly #conditions = new Map<string, { ok: boolean; reason?: string }>();
  readonly #checks = new Map<string, ReadinessCheck>();
  #shuttingDown = false;

  /** Declares or updates a condition, e.g. set('consumer-assigned', true). A declared condition starts false. */
  set(name: string, ok: boolean, reason?: string): void {
    this.#conditions.set(name, reason === undefined ? { ok } : { ok, reason });
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
    const failing: string[] = [];
    const reasons: Record<string, string> = {};
    const fail = (name: string, reason: string | undefined): void => {
      failing.push(name);
      if (reason !== undefined) reasons[name] = reason;
    };
    for (const [name, { ok, reason }] of this.#conditions) if (!ok) fail(name, reason);
    const results = await Promise.all([...this.#checks].map(async ([name, check]) => {
      try {
        return { name, result: await check() };
      } catch (error) {
        return { name, result: { reason: error instanceof Error ? error.message : String(error) } };
      }
    }));
    for (const { name, result } of results) {
      if (result === true) continue;
      fail(name, result === false ? undefined : result.reason);
    }
    if (this.#shuttingDown) fail('shutting-down', undefined);
    return { ready: failing.length === 0, failing, reasons };
  }
}
