// The save-before-calibrate gate: admits an offset of the raw topic only once the raw sink
// has committed it to Postgres. Follows the sink's NOTIFYs for millisecond latency, and
// re-reads kalibra_sink_offsets periodically and after every reconnect, because NOTIFYs
// sent while it was disconnected are lost. Admitted offsets only move forward; the gate
// never writes to the database.
import pg from 'pg';
import type { Gate } from '../../topology/index.ts';
import { checkIdentifier } from './identifiers.ts';
import { OFFSETS_CHANNEL, readOffsetsSql } from './sql.ts';
import type { OffsetNotification } from './sql.ts';
import { silentLogger } from './sink-log.ts';
import type { SinkLogger } from './sink-log.ts';
import { SinkError } from './errors.ts';

/** Admission times kept per partition for admittedAt() (the release latency metric). */
const MAX_ADMISSIONS_KEPT = 1_000;

export interface PostgresGateOptions {
  databaseUrl: string;
  /** The raw sink's connector name in kalibra_sink_offsets (default kalibra-sink-raw). */
  connector?: string;
  /** The topic whose offsets are gated (the raw topic). */
  topic: string;
  schema?: string;
  /** Fallback re-read of the table, in case a NOTIFY was missed (default 1000 ms). */
  refreshIntervalMs?: number;
  logger?: SinkLogger;
  /** Shown in pg_stat_activity (default kalibra-gate). */
  applicationName?: string;
}

export class PostgresGate implements Gate {
  readonly #url: string;
  readonly #connector: string;
  readonly #topic: string;
  readonly #schema: string;
  readonly #refreshMs: number;
  readonly #logger: SinkLogger;
  readonly #applicationName: string;
  readonly #admitted = new Map<number, bigint>();
  /** partition → admissions not yet asked about by admittedAt(), oldest first (for the release latency). */
  readonly #admissions = new Map<number, { next: bigint; at: number }[]>();
  #waiters = new Set<() => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #failures = 0;
  /** Since when Postgres has been out of reach (undefined while connected), and the last error. */
  #downSince: number | undefined;
  #lastError = 'not connected yet';
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: PostgresGateOptions) {
    this.#url = options.databaseUrl;
    this.#connector = options.connector ?? 'kalibra-sink-raw';
    this.#topic = options.topic;
    this.#schema = checkIdentifier(options.schema ?? 'public', 'schema');
    this.#refreshMs = options.refreshIntervalMs ?? 1_000;
    if (!Number.isSafeInteger(this.#refreshMs) || this.#refreshMs <= 0) {
      throw new SinkError('CONFIG_INVALID', `refreshIntervalMs must be a positive integer, got ${this.#refreshMs}`);
    }
    this.#logger = options.logger ?? silentLogger;
    this.#applicationName = options.applicationName ?? 'kalibra-gate';
  }

  /** Connects, listens and reads the current offsets. Keeps trying in the background if Postgres is down. */
  async start(): Promise<void> {
    await this.#connect();
    this.#timer = setInterval(() => { void this.#tick(); }, this.#refreshMs);
    this.#timer.unref();
  }

  admittedUpTo(topic: string, partition: number): bigint | undefined {
    return topic === this.#topic ? this.#admitted.get(partition) : undefined;
  }

  /** When (epoch ms) `offset` was first admitted; forgets the admissions below it (asked in offset order). */
  admittedAt(topic: string, partition: number, offset: bigint): number | undefined {
    if (topic !== this.#topic) return undefined;
    const admissions = this.#admissions.get(partition);
    if (admissions === undefined) return undefined;
    const index = admissions.findIndex((admission) => admission.next > offset);
    if (index === -1) return undefined;
    if (index > 0) admissions.splice(0, index);
    return admissions[0]!.at;
  }

  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || this.#closed) { resolve(); return; }
      const done = (): void => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Whether the gate currently has a live connection (for readiness). */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Why the gate admits nothing new right now (for readiness), or undefined while connected. Never holds the URL. */
  get unavailableReason(): string | undefined {
    if (this.#client !== undefined) return undefined;
    const since = this.#downSince === undefined ? '' : ` since ${new Date(this.#downSince).toISOString()}`;
    return `the gate cannot reach Postgres${since}: ${this.#lastError}`;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const wake of [...this.#waiters]) wake();
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
  }

  #admit(partition: number, next: bigint): void {
    if (next <= (this.#admitted.get(partition) ?? -1n)) return;
    this.#admitted.set(partition, next);
    let admissions = this.#admissions.get(partition);
    if (admissions === undefined) this.#admissions.set(partition, admissions = []);
    admissions.push({ next, at: Date.now() });
    // Bounded while nothing asks (e.g. a calibrator that is not consuming this partition).
    if (admissions.length > MAX_ADMISSIONS_KEPT) admissions.splice(0, admissions.length - MAX_ADMISSIONS_KEPT);
    for (const wake of [...this.#waiters]) wake();
  }

  async #tick(): Promise<void> {
    if (this.#closed) return;
    if (this.#client === undefined) { await this.#connect(); return; }
    await this.#refresh(this.#client);
  }

  #connect(): Promise<void> {
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.#url, keepAlive: true, connectionTimeoutMillis: 5_000, application_name: this.#applicationName,
      });
      const lost = (error?: Error): void => {
        if (this.#client !== client) return;
        this.#client = undefined;
        this.#markDown(error?.message ?? 'connection ended', 'gate lost its Postgres connection; nothing new is admitted until it is back (retrying, logged once)');
        client.end().catch(() => undefined);
      };
      client.on('error', lost);
      client.on('end', () => { lost(); });
      client.on('notification', (message) => { this.#onNotification(message.payload); });
      try {
        await client.connect();
        await client.query(`LISTEN ${OFFSETS_CHANNEL}`);
        this.#client = client;
        this.#failures = 0;
        if (this.#downSince !== undefined) {
          this.#logger.info('gate reconnected to Postgres; re-reading offsets', { downMs: Date.now() - this.#downSince });
          this.#downSince = undefined;
        }
        // Read after LISTEN: a commit in between is seen by one or the other, never missed.
        await this.#refresh(client);
      } catch (error) {
        client.removeAllListeners('end');
        await client.end().catch(() => undefined);
        this.#failures++;
        this.#markDown((error as Error).message, 'gate cannot reach Postgres; nothing is admitted until it answers (retrying, logged once)');
        this.#logger.debug('gate cannot reach Postgres; retrying', { error: (error as Error).message, failures: this.#failures });
      }
    })().finally(() => { this.#connecting = undefined; });
    return this.#connecting;
  }

  /** Logs the loss once per outage (not every retry); the reconnect logs the recovery. */
  #markDown(error: string, message: string): void {
    this.#lastError = error;
    if (this.#downSince !== undefined) return;
    this.#downSince = Date.now();
    this.#logger.warn(message, { error });
  }

  async #refresh(client: pg.Client): Promise<void> {
    try {
      const { rows } = await client.query<{ partition: number; next_offset: string }>(
        readOffsetsSql(this.#schema), [this.#connector, this.#topic]);
      for (const row of rows) this.#admit(row.partition, BigInt(row.next_offset));
    } catch (error) {
      // 42P01: the sink has not created its tables yet; nothing is admitted until it has.
      if ((error as { code?: string }).code !== '42P01') {
        this.#logger.warn('gate could not read stored offsets', { error: (error as Error).message });
      }
    }
  }

  #onNotification(payload: string | undefined): void {
    let note: Partial<OffsetNotification>;
    try {
      note = JSON.parse(payload ?? '') as Partial<OffsetNotification>;
    } catch {
      return; // not ours
    }
    if (note.schema !== this.#schema || note.connector !== this.#connector || note.topic !== this.#topic) return;
    if (typeof note.partition !== 'number' || typeof note.next_offset !== 'string' || !/^\d+$/.test(note.next_offset)) return;
    this.#admit(note.partition, BigInt(note.next_offset));
  }
}
