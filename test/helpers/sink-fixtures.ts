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
import { brokers, databaseUrl, uniqueName } from './stack.js';

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
  const producer = new Producer({ clientId: uniqueName('test-producer'), bootstrapBrokers: bootstrap, acks: ProduceAcks.ALL });
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
