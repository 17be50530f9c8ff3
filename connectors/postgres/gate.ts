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
import { Admissions } from './admissions.ts';

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
  readonly #admissions: Admissions;
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
    this.#admissions = new Admissions(options.topic);
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
    return this.#admissions.admittedUpTo(topic, partition);
  }

  /** When (epoch ms) `offset` was first admitted; forgets the admissions below it (asked in offset order). */
  admittedAt(topic: string, partition: number, offset: bigint): number | undefined {
    return this.#admissions.admittedAt(topic, partition, offset);
  }

  changed(signal: AbortSignal): Promise<void> {
    return this.#admissions.changed(signal);
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
    this.#admissions.close();
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
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
      for (const row of rows) this.#admissions.admit(row.partition, BigInt(row.next_offset));
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
    this.#admissions.admit(note.partition, BigInt(note.next_offset));
  }
}
