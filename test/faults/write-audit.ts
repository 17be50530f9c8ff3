// Every committed write to the reading tables, seen from inside Postgres and outside the code
// under test: a row trigger on raw_readings and calibrated_readings appends to an audit table
// in the writing transaction, so a batch rolled back by a SIGKILL leaves nothing and a batch
// committed twice leaves two entries. Upserts hide duplicates in the tables; they cannot hide
// them here.
import type pg from 'pg';

/** Installs the audit tables and triggers (after the sinks' migrations, before any data). */
export async function installWriteAudit(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE TABLE fault_raw_writes (id bigserial PRIMARY KEY, sensor_id text, ts timestamptz, kafka_partition int,
      kafka_offset bigint, op text, xid xid8 DEFAULT pg_current_xact_id());
    CREATE TABLE fault_calibrated_writes (id bigserial PRIMARY KEY, sensor_id text, ts timestamptz, op text,
      xid xid8 DEFAULT pg_current_xact_id());
    CREATE FUNCTION fault_audit_raw() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fault_raw_writes (sensor_id, ts, kafka_partition, kafka_offset, op)
        VALUES (NEW.sensor_id, NEW.ts, NEW.kafka_partition, NEW.kafka_offset, TG_OP);
      RETURN NULL;
    END $$;
    CREATE FUNCTION fault_audit_calibrated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fault_calibrated_writes (sensor_id, ts, op) VALUES (NEW.sensor_id, NEW.ts, TG_OP);
      RETURN NULL;
    END $$;
    CREATE TRIGGER fault_audit_raw AFTER INSERT OR UPDATE ON raw_readings FOR EACH ROW EXECUTE FUNCTION fault_audit_raw();
    CREATE TRIGGER fault_audit_calibrated AFTER INSERT OR UPDATE ON calibrated_readings
      FOR EACH ROW EXECUTE FUNCTION fault_audit_calibrated();`);
}

/** Raw-sink writes: `<partition>:<offset>` → how many committed writes carried that source record. */
export async function rawWritesBySource(client: pg.ClientBase): Promise<Map<string, number>> {
  const { rows } = await client.query<{ source: string; n: string }>(
    `SELECT kafka_partition || ':' || kafka_offset AS source, count(*) AS n FROM fault_raw_writes GROUP BY 1`);
  return new Map(rows.map((r) => [r.source, Number(r.n)]));
}

/** Calibrated-sink writes: `<sensor>|<ts ms>` → how many committed writes. */
export async function calibratedWritesByKey(client: pg.ClientBase): Promise<Map<string, number>> {
  const { rows } = await client.query<{ key: string; n: string }>(
    `SELECT sensor_id || '|' || (extract(epoch FROM ts) * 1000)::bigint AS key, count(*) AS n FROM fault_calibrated_writes GROUP BY 1`);
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}

/** The keys (`<sensor>|<ts ms>`) in a reading table, with how often each occurs (more than once would be a broken key). */
export async function tableKeys(client: pg.ClientBase, table: 'raw_readings' | 'calibrated_readings'): Promise<Map<string, number>> {
  const { rows } = await client.query<{ key: string; n: string }>(
    `SELECT sensor_id || '|' || (extract(epoch FROM ts) * 1000)::bigint AS key, count(*) AS n FROM ${table} GROUP BY 1`);
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}

/** Calibrated rows whose raw_value differs from their raw row's value, or that have no raw row. */
export async function calibratedWithoutMatchingRaw(client: pg.ClientBase): Promise<number> {
  const { rows: [row] } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM calibrated_readings c
    LEFT JOIN raw_readings r USING (sensor_id, ts) WHERE r.sensor_id IS NULL OR c.raw_value IS DISTINCT FROM r.value`);
  return Number(row!.n);
}

/** Sum of a sink's next_offset over its partitions, and per partition. */
export async function sinkOffsets(client: pg.ClientBase, connector: string): Promise<Map<number, number>> {
  const { rows } = await client.query<{ partition: number; next_offset: string }>(
    'SELECT partition, next_offset FROM kalibra_sink_offsets WHERE connector = $1', [connector]);
  return new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
}

/** Dead letters a sink stored but has not marked published yet. */
export async function unpublishedDeadLetters(client: pg.ClientBase): Promise<number> {
  const { rows: [row] } = await client.query<{ n: string }>('SELECT count(*) AS n FROM kalibra_dead_letters WHERE published_at IS NULL');
  return Number(row!.n);
}
