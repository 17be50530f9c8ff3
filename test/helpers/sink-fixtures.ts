// Test helpers for the Postgres sink: a schema per test (dropped afterwards), readings
// produced to a topic, a sink child process that can be SIGKILLed, and plain-SQL reads
// that do not go through the sink's own code.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Producer, ProduceAcks } from '@platformatic/kafka';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { brokers, databaseUrl, uniqueName } from './stack.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

export interface SinkProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Spawns `bin/sink` with the given environment on top of the test's (no secrets on the command line). */
export function spawnSink(args: string[], env: Record<string, string>): SinkProcess {
  const child = spawn(join(repoRoot, 'bin', 'sink'), args, {
    env: { ...process.env, KALIBRA_HTTP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code); }); });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, output: () => output, exited };
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
