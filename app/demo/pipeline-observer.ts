// Watches the demo's pipeline from the outside, the way a user would: the two tables in
// Postgres (with `pg` directly, the channel and quoting from connectors/postgres) and the commit
// NOTIFYs of the calibrated sink, which time when a calibrated row became visible. It only
// reads; it never writes a table.
import pg from 'pg';
import { quoteIdentifier } from '../../connectors/postgres/identifiers.ts';
import { OFFSETS_CHANNEL } from '../../connectors/postgres/sql.ts';
import type { ReplayRows, SensorLine } from './demo-state.ts';
import { LatencyWindow } from './latency-window.ts';
import type { RowKey } from './latency-window.ts';

export interface PipelineObserverOptions {
  databaseUrl: string;
  schema: string;
  /** The calibrated sink's connector name, to pick its NOTIFYs out of every sink's. */
  calibratedConnector: string;
  /**
   * Also look for new calibrated rows this often (ms). For Connect mode, where Kafka Connect
   * writes calibrated_readings and sends no NOTIFY; undefined: NOTIFYs only.
   */
  pollIntervalMs?: number;
  /** Readings taken before this are history, not latency. */
  liveFromMs: number;
  latencyWindowMs?: number;
  now?: () => number;
}

export interface TableSnapshot {
  rawRows: number;
  calibratedRows: number;
  sensors: SensorLine[];
}

export class PipelineObserver {
  readonly #options: PipelineObserverOptions;
  /** LISTENs and runs only the latency queries, so none waits behind a view query. */
  readonly #listener: pg.Client;
  readonly #client: pg.Client;
  readonly #now: () => number;
  readonly latency: LatencyWindow;
  #querying = false;
  #again = false;
  #closed = false;
  #poller: NodeJS.Timeout | undefined;

  constructor(options: PipelineObserverOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'kalibra-demo-view' });
    this.#listener = new pg.Client({ connectionString: options.databaseUrl, application_name: 'kalibra-demo-latency' });
    this.latency = new LatencyWindow({ windowMs: options.latencyWindowMs ?? 60_000, fromMs: options.liveFromMs });
  }

  async start(): Promise<void> {
    // A dropped connection must not end the demo: the view shows stale figures instead.
    this.#client.on('error', () => undefined);
    this.#listener.on('error', () => undefined);
    await this.#client.connect();
    await this.#listener.connect();
    this.#listener.on('notification', (message) => {
      if (message.channel !== OFFSETS_CHANNEL || message.payload === undefined) return;
      try {
        const payload = JSON.parse(message.payload) as { schema?: string; connector?: string };
        if (payload.schema !== this.#options.schema || payload.connector !== this.#options.calibratedConnector) return;
      } catch {
        return;
      }
      void this.#measure();
    });
    await this.#listener.query(`LISTEN ${OFFSETS_CHANNEL}`);
    if (this.#options.pollIntervalMs !== undefined) {
      this.#poller = setInterval(() => { void this.#measure(); }, this.#options.pollIntervalMs);
      this.#poller.unref();
    }
  }

  /**
   * New live rows since the last look. Each is stamped with the time this query started: every
   * row it finds was committed before then, so the figure is an upper bound (by the query's
   * queueing, milliseconds), never flattering.
   */
  async #measure(): Promise<void> {
    if (this.#querying) { this.#again = true; return; }
    this.#querying = true;
    const observedAt = this.#now();
    try {
      const since = new Date(this.latency.since(observedAt));
      const table = `${quoteIdentifier(this.#options.schema)}.calibrated_readings`;
      const result = await this.#listener.query<{ sensor_id: string; ts_ms: number }>(
        `SELECT sensor_id, (extract(epoch FROM ts) * 1000)::float8 AS ts_ms FROM ${table} WHERE ts >= $1`, [since]);
      const rows: RowKey[] = result.rows.map((r) => ({ sensorId: r.sensor_id, tsMs: Math.round(r.ts_ms) }));
      this.latency.observe(observedAt, rows);
    } catch {
      // the tables may not exist yet (the sink creates them at start); the next NOTIFY retries
    } finally {
      this.#querying = false;
    }
    if (this.#again && !this.#closed) { this.#again = false; await this.#measure(); }
  }

  async snapshot(): Promise<TableSnapshot> {
    const s = quoteIdentifier(this.#options.schema);
    const latest = async <R extends pg.QueryResultRow>(sql: string): Promise<R[]> => {
      try {
        return (await this.#client.query<R>(sql)).rows;
      } catch {
        return [];
      }
    };
    // One snapshot of the database for all three queries, so the counts and the newest rows never
    // contradict each other (a fresh schema once showed five sensors' values beside "calibrated_readings 0").
    await this.#client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY').catch(() => undefined);
    try {
      return await this.#snapshotQueries(s, latest);
    } finally {
      await this.#client.query('COMMIT').catch(() => undefined);
    }
  }

  async #snapshotQueries(s: string, latest: <R extends pg.QueryResultRow>(sql: string) => Promise<R[]>): Promise<TableSnapshot> {
    const [counts] = await latest<{ raw: string; calibrated: string }>(
      `SELECT (SELECT count(*) FROM ${s}.raw_readings) AS raw, (SELECT count(*) FROM ${s}.calibrated_readings) AS calibrated`);
    // Newest row per sensor by a loose index scan over the primary key (sensor_id, ts): a few
    // index probes per sensor instead of a scan of the whole table every second. The raw value
    // shown is the one the calibrated value was computed from (same reading); only a sensor with
    // no calibrated row yet shows its newest raw row. Rows dated in the future (the simulator's
    // malformed readings, which the raw sink stores as sent) never count as the newest.
    const newest = (table: string, columns: string): string => `
      WITH RECURSIVE sensors AS (
        (SELECT sensor_id FROM ${s}.${table} ORDER BY sensor_id LIMIT 1)
        UNION ALL
        SELECT (SELECT t.sensor_id FROM ${s}.${table} t WHERE t.sensor_id > sensors.sensor_id ORDER BY t.sensor_id LIMIT 1)
        FROM sensors WHERE sensors.sensor_id IS NOT NULL
      )
      SELECT n.* FROM sensors CROSS JOIN LATERAL (
        SELECT ${columns} FROM ${s}.${table} x WHERE x.sensor_id = sensors.sensor_id AND x.ts <= now() ORDER BY x.ts DESC LIMIT 1
      ) n WHERE sensors.sensor_id IS NOT NULL`;
    const raws = await latest<{ sensor_id: string; ts: Date; value: number | null; unit: string | null }>(
      newest('raw_readings', 'x.sensor_id, x.ts, x.value, x.unit'));
    const calibrated = await latest<{ sensor_id: string; ts: Date; raw_value: number | null; raw_unit: string | null; value: number | null; unit: string | null; status: string | null; profile: string | null }>(
      newest('calibrated_readings', `x.sensor_id, x.ts, x.raw_value, (SELECT r.unit FROM ${s}.raw_readings r WHERE r.sensor_id = x.sensor_id AND r.ts = x.ts) AS raw_unit, x.value, x.unit, x.status, x.profile`));
    const sensors = new Map<string, SensorLine>();
    const line = (id: string): SensorLine => sensors.get(id) ?? sensors.set(id, { sensorId: id }).get(id)!;
    for (const r of raws) line(r.sensor_id).raw = { tsMs: r.ts.getTime(), value: r.value, unit: r.unit };
    for (const c of calibrated) {
      const entry = line(c.sensor_id);
      entry.raw = { tsMs: c.ts.getTime(), value: c.raw_value, unit: c.raw_unit };
      entry.calibrated = { tsMs: c.ts.getTime(), rawValue: c.raw_value, value: c.value, unit: c.unit, status: c.status, profile: c.profile };
    }
    return {
      rawRows: Number(counts?.raw ?? 0),
      calibratedRows: Number(counts?.calibrated ?? 0),
      sensors: [...sensors.values()].sort((a, b) => a.sensorId.localeCompare(b.sensorId)),
    };
  }

  /**
   * What a replay did, in one query: the rows of its window (reading time in [fromMs, toMs), its
   * sensors) calibrated since it was requested, by the profile version they carry; those not yet;
   * and this run's rows older than the window (from dataFromMs), which it leaves alone. Per sensor
   * an index range scan of the primary key (sensor_id, ts), sensors found by a loose index scan.
   */
  async replayRows(window: { fromMs: number; toMs: number; sensors: string[] | null; requestedAtMs: number }, dataFromMs: number): Promise<ReplayRows> {
    const table = `${quoteIdentifier(this.#options.schema)}.calibrated_readings`;
    const sensors = window.sensors === null
      ? `WITH RECURSIVE sensors AS (
          (SELECT sensor_id FROM ${table} ORDER BY sensor_id LIMIT 1)
          UNION ALL
          SELECT (SELECT t.sensor_id FROM ${table} t WHERE t.sensor_id > sensors.sensor_id ORDER BY t.sensor_id LIMIT 1)
          FROM sensors WHERE sensors.sensor_id IS NOT NULL
        )`
      : 'WITH sensors AS (SELECT unnest($5::text[]) AS sensor_id)';
    const result = await this.#client.query<{ profile: string | null; rewritten: string; pending: string; before: string }>(`
      ${sensors}
      SELECT x.profile,
        count(*) FILTER (WHERE x.ts >= $1 AND x.calibrated_at >= $3) AS rewritten,
        count(*) FILTER (WHERE x.ts >= $1 AND (x.calibrated_at < $3 OR x.calibrated_at IS NULL)) AS pending,
        count(*) FILTER (WHERE x.ts < $1) AS before
      FROM sensors CROSS JOIN LATERAL (
        SELECT c.profile, c.ts, c.calibrated_at FROM ${table} c WHERE c.sensor_id = sensors.sensor_id AND c.ts >= $4 AND c.ts < $2
      ) x
      WHERE sensors.sensor_id IS NOT NULL
      GROUP BY x.profile`,
    [new Date(window.fromMs), new Date(window.toMs), new Date(window.requestedAtMs), new Date(Math.min(dataFromMs, window.fromMs)),
      ...(window.sensors === null ? [] : [window.sensors])]);
    const rows: ReplayRows = { rewritten: 0, pending: 0, before: 0, byProfile: [] };
    for (const r of result.rows) {
      rows.rewritten += Number(r.rewritten);
      rows.pending += Number(r.pending);
      rows.before += Number(r.before);
      if (Number(r.rewritten) > 0) rows.byProfile.push({ profile: r.profile, rows: Number(r.rewritten) });
    }
    rows.byProfile.sort((a, b) => b.rows - a.rows || String(a.profile).localeCompare(String(b.profile)));
    return rows;
  }

  /** Calibrated rows with reading time in [fromMs, toMs], for the headless drain check. */
  async calibratedBetween(fromMs: number, toMs: number): Promise<number> {
    const result = await this.#client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${quoteIdentifier(this.#options.schema)}.calibrated_readings WHERE ts >= $1 AND ts <= $2`, [new Date(fromMs), new Date(toMs)]);
    return Number(result.rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poller);
    await this.#client.end().catch(() => undefined);
    await this.#listener.end().catch(() => undefined);
  }
}
