// Test helpers for the Postgres sink: a schema per test (dropped afterwards), readings
// produced to a topic, a sink child process that can be SIGKILLed, and plain-SQL reads
// that do not go through the sink's own code.
import { Producer, ProduceAcks } from '@platformatic/kafka';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { migrate } from '../../connectors/postgres/migrate.ts';
import { spawnBin } from './pipeline-processes.ts';
import type { PipelineProcess } from './pipeline-processes.ts';
import { brokers, createTopics, databaseUrl, pgClient, uniqueName, waitFor } from './stack.ts';

// Tests that take the repository root from this module (the Connect and monitoring tests) keep it.
export { repoRoot } from './pipeline-processes.ts';

/** A fresh schema name for this test; dropped (with everything in it) when the test finishes. */
export function sinkSchema(url = databaseUrl()): string {
  const schema = uniqueName('sink_test').replace('-', '_');
  onTestFinished(async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } catch {
      // the private Postgres of a test may already be gone
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  return schema;
}

export interface Reading {
  key: string;
  value: string | null;
  partition: number;
}

/** `count` readings over `sensors` sensors, partitioned by sensor; sensor s, reading i has value i + s/1000. */
export function readings(count: number, options: { sensors?: number; partitions?: number; startMs?: number } = {}): Reading[] {
  const sensors = options.sensors ?? 50;
  const partitions = options.partitions ?? 1;
  const start = options.startMs ?? Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const s = i % sensors;
    const ts = start + Math.floor(i / sensors) * 1000;
    const sensor = `sensor-${String(s).padStart(3, '0')}`;
    return {
      key: `${sensor}|${ts}`,
      value: JSON.stringify({ sensor_id: sensor, ts: new Date(ts).toISOString(), value: i + s / 1000, unit: 'celsius' }),
      partition: s % partitions,
    };
  });
}

/** Produces the readings in order (acks=all), in chunks, and closes the producer. */
export async function produce(topic: string, records: readonly Reading[], bootstrap = brokers()): Promise<void> {
  const producer = new Producer({ clientId: uniqueName('test-producer'), bootstrapBrokers: bootstrap, acks: ProduceAcks.ALL, idempotent: true });
  try {
    for (let i = 0; i < records.length; i += 2_000) {
      await producer.send({
        messages: records.slice(i, i + 2_000).map((r) => ({
          topic, partition: r.partition, key: Buffer.from(r.key), value: r.value === null ? undefined : Buffer.from(r.value),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

/** Spawns `bin/sink` with the given environment on top of the test's (no secrets on the command line). */
export function spawnSink(args: string[], env: Record<string, string>): PipelineProcess {
  return spawnBin('sink', args, env);
}

/** Plain-SQL count and checksum of a reading table, independent of the sink's code. */
export async function tableSummary(client: pg.ClientBase, schema: string, table = 'raw_readings'):
Promise<{ rows: number; keys: number; valueSum: number }> {
  const { rows: [row] } = await client.query<{ rows: string; keys: string; value_sum: number | null }>(
    `SELECT count(*) AS rows, count(DISTINCT (sensor_id, ts)) AS keys, sum(value) AS value_sum FROM "${schema}"."${table}"`);
  return { rows: Number(row!.rows), keys: Number(row!.keys), valueSum: row!.value_sum ?? 0 };
}

/** partition → next_offset for a connector, read with plain SQL ({} before the sink created its tables). */
export async function storedOffsets(client: pg.ClientBase, schema: string, connector: string): Promise<Record<number, number>> {
  const { rows } = await client.query<{ partition: number; next_offset: string }>(
    `SELECT partition, next_offset FROM "${schema}".kalibra_sink_offsets WHERE connector = $1 ORDER BY partition`, [connector])
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === '42P01') return { rows: [] }; // the sink has not migrated yet
      throw error;
    });
  return Object.fromEntries(rows.map((r) => [r.partition, Number(r.next_offset)]));
}

/**
 * Records every change of kalibra_sink_offsets in an audit table, with a trigger the sink
 * knows nothing about. Call after migrate() and before the sink runs.
 */
export async function installOffsetsAudit(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`
    CREATE TABLE "${schema}".offsets_audit (id bigserial PRIMARY KEY, connector text, topic text, partition int,
      old_offset bigint, new_offset bigint);
    CREATE FUNCTION "${schema}".audit_offsets() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO "${schema}".offsets_audit (connector, topic, partition, old_offset, new_offset)
      VALUES (NEW.connector, NEW.topic, NEW.partition, CASE WHEN TG_OP = 'UPDATE' THEN OLD.next_offset END, NEW.next_offset);
      RETURN NEW;
    END $$;
    CREATE TRIGGER audit AFTER INSERT OR UPDATE ON "${schema}".kalibra_sink_offsets
      FOR EACH ROW EXECUTE FUNCTION "${schema}".audit_offsets();`);
}

/**
 * Every committed move of each partition's offset, in commit order. A history where each move
 * starts where the previous one ended, and only goes forward, means no range of offsets was
 * committed twice.
 */
export async function offsetHistory(client: pg.ClientBase, schema: string, connector: string):
Promise<Map<number, { from: number | null; to: number }[]>> {
  const { rows } = await client.query<{ partition: number; old_offset: string | null; new_offset: string }>(
    `SELECT partition, old_offset, new_offset FROM "${schema}".offsets_audit WHERE connector = $1 ORDER BY id`, [connector]);
  const history = new Map<number, { from: number | null; to: number }[]>();
  for (const row of rows) {
    const moves = history.get(row.partition) ?? [];
    moves.push({ from: row.old_offset === null ? null : Number(row.old_offset), to: Number(row.new_offset) });
    history.set(row.partition, moves);
  }
  return history;
}

/** Problems in an offset history (empty when it is one forward chain per partition ending at `ends`). */
export function chainProblems(history: Map<number, { from: number | null; to: number }[]>, ends: Record<number, number>): string[] {
  const problems: string[] = [];
  for (const [partition, end] of Object.entries(ends).map(([p, e]) => [Number(p), e] as const)) {
    const moves = history.get(partition) ?? [];
    moves.forEach((move, i) => {
      const previous = i === 0 ? null : moves[i - 1]!.to;
      if (move.from !== previous) problems.push(`partition ${partition} move ${i} starts at ${move.from}, previous ended at ${previous}`);
      if (move.to <= (move.from ?? -1)) problems.push(`partition ${partition} move ${i} goes from ${move.from} to ${move.to}`);
    });
    const last = moves.at(-1)?.to;
    if (last !== end) problems.push(`partition ${partition} ends at ${last}, expected ${end}`);
  }
  return problems;
}

/** The raw_readings content the records must produce: last record per key wins, tombstones delete. */
export function expectedRawRows(records: readonly Reading[]): Map<string, number> {
  const rows = new Map<string, number>();
  for (const record of records) {
    const bar = record.key.lastIndexOf('|');
    const id = `${record.key.slice(0, bar)}@${new Date(Number(record.key.slice(bar + 1))).toISOString()}`;
    if (record.value === null) rows.delete(id);
    else rows.set(id, (JSON.parse(record.value) as { value: number }).value);
  }
  return rows;
}

/** raw_readings as `sensor@iso-ts` → value, read with plain SQL. */
export async function actualRawRows(client: pg.ClientBase, schema: string): Promise<Map<string, number>> {
  const { rows } = await client.query<{ id: string; value: number }>(
    `SELECT sensor_id || '@' || to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS id, value FROM "${schema}".raw_readings`);
  return new Map(rows.map((row) => [row.id, row.value]));
}

/** Differences between two row maps, at most `limit` of them, for a readable failure. */
export function rowDifferences(expected: Map<string, number>, actual: Map<string, number>, limit = 10): string[] {
  const out: string[] = [];
  for (const [id, value] of expected) {
    if (out.length >= limit) break;
    if (!actual.has(id)) out.push(`missing ${id}`);
    else if (actual.get(id) !== value) out.push(`${id}: expected ${value}, got ${actual.get(id)}`);
  }
  for (const id of actual.keys()) {
    if (out.length >= limit) break;
    if (!expected.has(id)) out.push(`unexpected ${id}`);
  }
  return out;
}

export interface AuditedRawSink {
  topic: string;
  dlq: string;
  schema: string;
  /** The connector name the sink stores its offsets under. */
  connector: string;
  client: pg.Client;
  /** What `bin/sink --mapping raw` needs for these (each test adds the group, instance and tuning). */
  env: Record<string, string>;
}

/**
 * The start of every exactly-once test of bin/sink: a raw topic of `partitions` partitions and a
 * DLQ, a migrated schema whose offset moves an audit trigger records (installOffsetsAudit), and
 * the sink's environment for them with connector `name`.
 */
export async function auditedRawSink(name: string, partitions: number): Promise<AuditedRawSink> {
  const topic = uniqueName(`${name}-raw`);
  const dlq = uniqueName(`${name}-dlq`);
  await createTopics([topic], { partitions });
  await createTopics([dlq]);
  const schema = sinkSchema();
  const client = await pgClient();
  await migrate(client, schema);
  await installOffsetsAudit(client, schema);
  const env = { KALIBRA_SINK_SCHEMA: schema, KALIBRA_TOPIC_RAW: topic, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_SINK_CONNECTOR: name };
  return { topic, dlq, schema, connector: name, client, env };
}

/** Waits (2 minutes at most) until the sink has stored exactly `ends` as its next offsets. */
export async function storedOffsetsReach(sink: AuditedRawSink, ends: Record<number, number>): Promise<void> {
  await waitFor(async () => JSON.stringify(await storedOffsets(sink.client, sink.schema, sink.connector)) === JSON.stringify(ends),
    { timeoutMs: 120_000, message: `offsets ${JSON.stringify(ends)}` });
}

/**
 * Exactly once, read with plain SQL and the audit trigger: `rows`, how raw_readings differs
 * from what the records sent must produce; `offsets`, how the offset history differs from one
 * forward chain per partition ending at `ends` (a range committed twice breaks the chain).
 */
export async function exactlyOnceProblems(sink: AuditedRawSink, sent: readonly Reading[], ends: Record<number, number>):
Promise<{ rows: string[]; offsets: string[] }> {
  return {
    rows: rowDifferences(expectedRawRows(sent), await actualRawRows(sink.client, sink.schema)),
    offsets: chainProblems(await offsetHistory(sink.client, sink.schema, sink.connector), ends),
  };
}
