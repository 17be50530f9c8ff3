import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadMigrations, migrate } from '../../../../connectors/postgres/migrate.ts';
import { sinkSchema } from '../../../helpers/sink-fixtures.ts';
import { databaseUrl, pgClient } from '../../../helpers/stack.ts';

async function columns(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table]);
  return rows.map((row) => `${row.column_name} ${row.data_type}`);
}

async function primaryKey(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column: string }>(`
    SELECT a.attname AS column FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`, [`"${schema}"."${table}"`]);
  return rows.map((row) => row.column);
}

describe('the sink migrations', () => {
  it('create the tables of docs/architecture.md#tables in the given schema', async () => {
    const client = await pgClient();
    const schema = sinkSchema();
    expect((await migrate(client, schema)).applied).toEqual(['0001_readings_and_offsets.sql', '0002_timescale_hypertables.sql', '0003_dead_letters.sql']);
    expect(await columns(client, schema, 'raw_readings')).toEqual([
      'sensor_id text', 'ts timestamp with time zone', 'value double precision', 'unit text', 'extra jsonb',
      'kafka_partition integer', 'kafka_offset bigint']);
    expect(await columns(client, schema, 'calibrated_readings')).toEqual([
      'sensor_id text', 'ts timestamp with time zone', 'raw_value double precision', 'value double precision', 'unit text',
      'status text', 'profile text', 'calibrated_at timestamp with time zone']);
    expect(await columns(client, schema, 'kalibra_sink_offsets')).toEqual([
      'connector text', 'topic text', 'partition integer', 'next_offset bigint', 'updated_at timestamp with time zone']);
    expect(await primaryKey(client, schema, 'raw_readings')).toEqual(['sensor_id', 'ts']);
    expect(await primaryKey(client, schema, 'calibrated_readings')).toEqual(['sensor_id', 'ts']);
    expect(await primaryKey(client, schema, 'kalibra_sink_offsets')).toEqual(['connector', 'topic', 'partition']);
    expect(await columns(client, schema, 'kalibra_dead_letters')).toEqual([
      'connector text', 'topic text', 'partition integer', 'offset bigint', 'record_key bytea', 'record_value bytea',
      'record_headers jsonb', 'record_timestamp bigint', 'error_code text', 'error_message text', 'sqlstate text',
      'created_at timestamp with time zone', 'published_at timestamp with time zone']);
    expect(await primaryKey(client, schema, 'kalibra_dead_letters')).toEqual(['connector', 'topic', 'partition', 'offset']);
  });

  it('apply nothing the second time', async () => {
    const client = await pgClient();
    const schema = sinkSchema();
    await migrate(client, schema);
    expect((await migrate(client, schema)).applied).toEqual([]);
    const { rows } = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('succeed from several connections at once, applying each version exactly once', async () => {
    const schema = sinkSchema();
    const clients = await Promise.all([1, 2, 3, 4].map(async () => {
      const client = new pg.Client({ connectionString: databaseUrl() });
      await client.connect();
      onTestFinished(async () => { await client.end(); });
      return client;
    }));
    const results = await Promise.all(clients.map((client) => migrate(client, schema)));
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, 3]);
    const { rows } = await clients[0]!.query(`SELECT count(*)::int AS n FROM "${schema}".schema_migrations`);
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('leave the reading tables as plain tables when TimescaleDB is not available', async () => {
    const client = await pgClient();
    const { rows: available } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
    expect(available, 'this test covers the absent path; this server has TimescaleDB').toEqual([]);
    const schema = sinkSchema();
    await migrate(client, schema);
    const { rows } = await client.query<{ relname: string; relkind: string }>(
      "SELECT relname, relkind FROM pg_class WHERE relnamespace = $1::regnamespace AND relname IN ('raw_readings', 'calibrated_readings') ORDER BY relname",
      [schema]);
    expect(rows).toEqual([{ relname: 'calibrated_readings', relkind: 'r' }, { relname: 'raw_readings', relkind: 'r' }]);
    const { rows: extension } = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
    expect(extension).toEqual([]);
  });

  it('refuse to continue when an applied migration was edited afterwards', async () => {
    const client = await pgClient();
    const schema = sinkSchema();
    await migrate(client, schema);
    const edited = loadMigrations().map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'different' } : m));
    await expect(migrate(client, schema, edited)).rejects.toMatchObject({ code: 'MIGRATION_CHANGED' });
  });

  it('roll back every migration of a run when one fails, naming the file', async () => {
    const client = await pgClient();
    const schema = sinkSchema();
    const broken = [...loadMigrations(), { version: 3, name: '0003_broken.sql', sql: 'CREATE TABLE nope (', checksum: 'x' }];
    const failure = await migrate(client, schema, broken).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect((failure as Error).message).toContain('0003_broken.sql');
    const { rows } = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    expect(rows).toEqual([]);
  });
});
