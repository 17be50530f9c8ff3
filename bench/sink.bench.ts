// `npm run bench -- sink`: rows/s of the sink's two batch writers against a per-row INSERT
// baseline, in one run, on the same Postgres: COPY into a stage table + INSERT … ON CONFLICT,
// and INSERT … SELECT FROM unnest(…) ON CONFLICT. Each batch is one transaction of 5,000
// rows (the sink's default), first as fresh inserts, then again over the same keys (a
// replay: every row conflicts and is updated). Writes its section of bench/RESULTS.md.
import pg from 'pg';
import { machineLine, writeSection } from './results.js';
import { rawMapping } from '../connectors/postgres/mappings/raw.js';
import type { Row } from '../connectors/postgres/mappings/mapping.js';
import { migrate } from '../connectors/postgres/migrate.js';
import { upsertRows } from '../connectors/postgres/row-writers.js';
import type { WriteMethod } from '../connectors/postgres/row-writers.js';

const BATCH = 5_000;
const BATCHES = 10;
const BASELINE_BATCHES = 2;
const RUNS = 5;
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';

function rows(batch: number, generation: number): Row[] {
  const start = Date.parse('2026-01-01T00:00:00Z') + batch * BATCH * 1000;
  return Array.from({ length: BATCH }, (_, i) => [
    `sensor-${String(i % 100).padStart(3, '0')}`, new Date(start + i * 1000).toISOString(), i + generation / 10, 'celsius',
    i % 10 === 0 ? JSON.stringify({ battery: 0.9, note: 'tab\tand "quotes"' }) : null, 0, String(batch * BATCH + i),
  ]);
}

type Method = WriteMethod | 'per-row';

async function writeBatch(client: pg.Client, method: Method, schema: string, batch: Row[]): Promise<void> {
  await client.query('BEGIN');
  if (method === 'per-row') {
    const columns = rawMapping.columns.map((c) => c.name);
    const sql = `INSERT INTO "${schema}".raw_readings (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) `
      + `ON CONFLICT (sensor_id, ts) DO UPDATE SET ${columns.slice(2).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
    for (const row of batch) await client.query(sql, [...row]);
  } else {
    await upsertRows(client, method, schema, rawMapping, batch);
  }
  await client.query('COMMIT');
}

/** Rows per second for `batches` batches into an empty table, then the same keys again. */
async function measure(client: pg.Client, method: Method, batches: number): Promise<{ insert: number; update: number }> {
  const schema = `sink_bench_${method.replace('-', '_')}`;
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await migrate(client, schema);
  const result = { insert: 0, update: 0 };
  for (const [phase, generation] of [['insert', 0], ['update', 1]] as const) {
    const data = Array.from({ length: batches }, (_, b) => rows(b, generation));
    const started = performance.now();
    for (const batch of data) await writeBatch(client, method, schema, batch);
    result[phase] = Math.round((batches * BATCH) / ((performance.now() - started) / 1000));
  }
  const { rows: [check] } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".raw_readings`);
  if (Number(check!.n) !== batches * BATCH) throw new Error(`${method} wrote ${check!.n} rows, expected ${batches * BATCH}`);
  await client.query(`DROP SCHEMA "${schema}" CASCADE`);
  return result;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const client = new pg.Client({ connectionString: url });
await client.connect();
const methods: Method[] = ['copy', 'unnest', 'per-row'];
const samples = new Map<Method, { insert: number[]; update: number[] }>(methods.map((m) => [m, { insert: [], update: [] }]));
try {
  for (let run = 0; run < RUNS; run++) {
    // Rotated each run, so neither writer always runs on a warmer (or busier) server.
    for (const method of [...methods.slice(run % 3), ...methods.slice(0, run % 3)]) {
      const result = await measure(client, method, method === 'per-row' ? BASELINE_BATCHES : BATCHES);
      samples.get(method)!.insert.push(result.insert);
      samples.get(method)!.update.push(result.update);
      process.stdout.write(`run ${run + 1} ${method}: insert ${result.insert} rows/s, upsert-over-existing ${result.update} rows/s\n`);
    }
  }
} finally {
  await client.end();
}

const baseline = median(samples.get('per-row')!.insert);
const line = (method: Method, label: string): string => {
  const s = samples.get(method)!;
  return `| ${label} | ${median(s.insert).toLocaleString('en')} | ${median(s.update).toLocaleString('en')} | ${(median(s.insert) / baseline).toFixed(1)}× |`;
};
const winner = median(samples.get('copy')!.insert) + median(samples.get('copy')!.update)
  > median(samples.get('unnest')!.insert) + median(samples.get('unnest')!.update) ? 'copy' : 'unnest';
writeSection('sink', `## Postgres sink: batch writers (\`bench/sink.bench.ts\`)

${await machineLine()}; Postgres at ${new URL(url).host}. raw_readings rows, ${BATCH.toLocaleString('en')} rows per
transaction (the sink's default batch), median of ${RUNS} runs (order rotated per run); COPY and unnest over ${BATCHES} batches, the per-row
baseline over ${BASELINE_BATCHES}. "Upsert over existing" writes the same keys again (a replay: every row conflicts).

| writer | insert rows/s | upsert over existing rows/s | insert vs per-row |
|---|---|---|---|
${line('copy', 'COPY into stage table + INSERT … ON CONFLICT')}
${line('unnest', 'INSERT … SELECT FROM unnest($1::text[], …) ON CONFLICT')}
${line('per-row', 'per-row INSERT … ON CONFLICT (baseline)')}

Faster of the two in this run: **${winner}** (the sink's default is \`DEFAULT_WRITE_METHOD\` in
connectors/postgres/row-writers.ts; \`--write-method\` overrides it).`);
process.stdout.write(`faster: ${winner}\n`);
