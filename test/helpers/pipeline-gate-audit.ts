// Watching the save-before-calibrate promise from outside the code under test: a Postgres
// trigger that records every calibrated row written without its raw row, and a poller that
// counts such rows every ~50 ms while a test runs. Both read only the tables.
import pg from 'pg';
import { onTestFinished } from 'vitest';
import type { Reading } from './sink-fixtures.ts';
import { databaseUrl } from './stack.ts';

/** A trigger on calibrated_readings (call after migrate) that keeps every insert/update lacking its raw row. */
export async function installOrphanAudit(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`
    CREATE TABLE "${schema}".orphan_audit (id bigserial PRIMARY KEY, sensor_id text, ts timestamptz, op text,
      seen_at timestamptz DEFAULT clock_timestamp());
    CREATE FUNCTION "${schema}".audit_orphans() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM "${schema}".raw_readings r WHERE r.sensor_id = NEW.sensor_id AND r.ts = NEW.ts) THEN
        INSERT INTO "${schema}".orphan_audit (sensor_id, ts, op) VALUES (NEW.sensor_id, NEW.ts, TG_OP);
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER audit_orphans AFTER INSERT OR UPDATE ON "${schema}".calibrated_readings
      FOR EACH ROW EXECUTE FUNCTION "${schema}".audit_orphans();`);
}

export async function orphanAuditRows(client: pg.ClientBase, schema: string): Promise<number> {
  const { rows: [row] } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".orphan_audit`);
  return Number(row!.n);
}

/** Calibrated rows without a raw row, right now. */
export async function orphanCount(client: pg.ClientBase, schema: string): Promise<number> {
  const { rows: [row] } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".calibrated_readings c
    LEFT JOIN "${schema}".raw_readings r USING (sensor_id, ts) WHERE r.sensor_id IS NULL`);
  return Number(row!.n);
}

export async function rowCount(client: pg.ClientBase, schema: string, table: string): Promise<number> {
  const { rows: [row] } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`);
  return Number(row!.n);
}

export interface OrphanSamples {
  samples: number;
  /** Samples taken while calibrated_readings had at least one row. */
  samplesWithRows: number;
  maxOrphans: number;
}

export interface OrphanPoller {
  stop(): Promise<OrphanSamples>;
}

/** Samples orphanCount every `intervalMs` on its own connection until stopped. */
export async function pollOrphans(schema: string, intervalMs = 50): Promise<OrphanPoller> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  const result: OrphanSamples = { samples: 0, samplesWithRows: 0, maxOrphans: 0 };
  let stopped = false;
  const sample = async (): Promise<void> => {
    const { rows: [row] } = await client.query<{ orphans: string; total: string }>(`SELECT
      (SELECT count(*) FROM "${schema}".calibrated_readings c LEFT JOIN "${schema}".raw_readings r USING (sensor_id, ts)
        WHERE r.sensor_id IS NULL) AS orphans,
      (SELECT count(*) FROM "${schema}".calibrated_readings) AS total`);
    result.samples += 1;
    if (Number(row!.total) > 0) result.samplesWithRows += 1;
    result.maxOrphans = Math.max(result.maxOrphans, Number(row!.orphans));
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  const stop = async (): Promise<OrphanSamples> => {
    stopped = true;
    await loop;
    await sample(); // the state at the moment of stopping is part of the run
    await client.end();
    return result;
  };
  onTestFinished(async () => { if (!stopped) await stop().catch(() => undefined); });
  return { stop };
}

/** Readings of sensors `pipe-00..` (no profile: uncalibrated), partitioned by sensor, from `first` on. */
export function pipelineReadings(first: number, count: number, options: { sensors?: number; partitions?: number } = {}): Reading[] {
  const sensors = options.sensors ?? 10;
  const partitions = options.partitions ?? 2;
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    const s = i % sensors;
    const ts = start + Math.floor(i / sensors) * 1000;
    const sensor = `pipe-${String(s).padStart(2, '0')}`;
    return {
      key: `${sensor}|${ts}`,
      value: JSON.stringify({ sensor_id: sensor, ts: new Date(ts).toISOString(), value: i / 10 }),
      partition: s % partitions,
    };
  });
}
