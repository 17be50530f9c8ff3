// Runs the sink's database work on a small pool, retrying with backoff whatever fails for
// reasons outside the work itself (Postgres down or restarting, a deadlock), until it succeeds
// or the sink stops. Each attempt is a fresh transaction on a fresh checkout, so a retry is
// always safe. Never retries a lost compare-and-set or an edited migration: those are answers.
// A row refused as data never gets here (commit-batch.ts dead-letters it). What is left and is
// not an outage (classifyDatabaseError: 'fatal', e.g. class 42, our SQL or the schema is wrong)
// is retried too, so nothing is skipped, but logged as an error: it needs an operator.
import pg from 'pg';
import { backoffDelay, sleep } from './backoff.ts';
import { classifyDatabaseError, SinkError, sqlState } from './errors.ts';
import type { SinkLogger } from './sink-log.ts';
import type { SinkMetrics } from './sink-metrics.ts';

export class DatabaseRunner {
  readonly #pool: pg.Pool;
  readonly #logger: SinkLogger;
  readonly #metrics: SinkMetrics | undefined;
  readonly #signal: AbortSignal;
  #healthy = false;

  constructor(options: { databaseUrl: string; logger: SinkLogger; metrics: SinkMetrics | undefined; signal: AbortSignal }) {
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#signal = options.signal;
    this.#pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2, connectionTimeoutMillis: 5_000, keepAlive: true });
    // An idle client losing its server (Postgres restart) is reported here; without a
    // listener it would crash the process. The next query reconnects.
    this.#pool.on('error', (error) => { this.#logger.warn('idle Postgres connection lost', { error: error.message }); });
    // A checked-out client can also lose its server between two queries; pg then emits
    // 'error' on the client itself. The next query fails and run() retries.
    this.#pool.on('connect', (client) => {
      client.on('error', (error) => { this.#logger.debug('Postgres connection lost', { error: error.message }); });
    });
  }

  /** Whether the last attempt reached Postgres. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Resolves with work's result, or undefined when the sink stopped before it succeeded. */
  async run<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T | undefined> {
    for (let attempt = 0; !this.#signal.aborted; attempt++) {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.#pool.connect();
        const result = await work(client);
        client.release();
        this.#healthy = true;
        return result;
      } catch (error) {
        const answer = error instanceof SinkError && (error.code === 'OFFSET_CONFLICT' || error.code === 'MIGRATION_CHANGED');
        client?.release(answer ? undefined : (error as Error));
        if (answer) { this.#healthy = true; throw error; }
        this.#healthy = false;
        this.#metrics?.databaseErrors.inc();
        const details = { attempt, error: (error as Error).message, code: (error as { code?: unknown }).code };
        if (classifyDatabaseError(error) === 'transient') {
          this.#logger.warn(`${what} failed; retrying`, details);
        } else {
          this.#logger.error(`${what} failed with an error that is neither an outage nor a refused row `
            + `(SQLSTATE ${sqlState(error) ?? 'none'}: the SQL or the schema is wrong?); retrying until an operator fixes it`, details);
        }
        await sleep(backoffDelay(attempt), this.#signal);
      }
    }
    return undefined;
  }

  async end(): Promise<void> {
    await this.#pool.end();
  }
}
