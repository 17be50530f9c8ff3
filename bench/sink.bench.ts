// `npm run bench -- sink`: rows/s of the sink's batch writers against a per-row INSERT
// baseline, in one run, on the same Postgres: COPY into a stage table + INSERT … ON CONFLICT,
// INSERT … SELECT FROM unnest(…) ON CONFLICT, and the insert fast path (a plain COPY into the
// table in a savepoint, rolled back to the stage + upsert when a key exists). Each batch is one transaction of 5,000
// rows (the sink's default), first as fresh inserts, then again over the same keys (a
// replay: every row conflicts and is updated). Writes its section of bench/RESULTS.md. Then
// the sink against its contenders on the same rows (bench/sink-contenders.ts): a single COPY,
// the stage + upsert statement alone, and the Debezium JDBC sink on a real Connect worker;
// its own section. KALIBRA_BENCH_SINK=contenders runs only that part; KALIBRA_BENCH_SINK_WRITER_RUNS=1
// and KALIBRA_BENCH_SINK_ROWS=20000 make a smoke run.
import { randomBytes } from 'node:crypto';
import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';
import pg from 'pg';
import { machineLine, writeSection } from './results.ts';
import { rawMapping } from '../connectors/postgres/mappings/raw.ts';
import type { Row } from '../connectors/postgres/mappings/mapping.ts';
import { migrate } from '../connectors/postgres/migrate.ts';
import { copyText, insertByCopy, upsertRows } from '../connectors/postgres/row-writers.ts';
import type { WriteMethod } from '../connectors/postgres/row-writers.ts';
import { PostgresSink } from '../connectors/postgres/sink-runtime.ts';
import { contenderPartitions, contenderRows, contenderRuns, sinkContenders } from './sink-contenders.ts';

const BATCH = 5_000;
const BATCHES = 10;
const BASELINE_BATCHES = 2;
/** Runs of the writers and end-to-end parts (5; fewer only for a smoke run under load). */
const RUNS = Number(process.env.KALIBRA_BENCH_SINK_WRITER_RUNS ?? 5);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const E2E_RECORDS = 100_000;
const E2E_PARTITIONS = 3;

function rows(batch: number, generation: number): Row[] {
  const start = Date.parse('2026-01-01T00:00:00Z') + batch * BATCH * 1000;
  return Array.from({ length: BATCH }, (_, i) => [
    `sensor-${String(i % 100).padStart(3, '0')}`, new Date(start + i * 1000).toISOString(), i + generation / 10, 'celsius',
    i % 10 === 0 ? JSON.stringify({ battery: 0.9, note: 'tab\tand "quotes"' }) : null, 0, String(batch * BATCH + i),
  ]);
}

type Method = WriteMethod | 'per-row' | 'insert-first';

async function writeBatch(client: pg.Client, method: Method, schema: string, batch: Row[]): Promise<void> {
  await client.query('BEGIN');
  if (method === 'per-row') {
    const columns = rawMapping.columns.map((c) => c.name);
    const sql = `INSERT INTO "${schema}".raw_readings (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) `
      + `ON CONFLICT (sensor_id, ts) DO UPDATE SET ${columns.slice(2).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
    for (const row of batch) await client.query(sql, [...row]);
  } else if (method === 'insert-first') {
    // What commit-batch.ts does with insertFirst: COPY into the table in a savepoint, else upsert.
    const text = copyText(batch);
    await client.query('SAVEPOINT kalibra_insert');
    try {
      await insertByCopy(client, schema, rawMapping, text);
      await client.query('RELEASE SAVEPOINT kalibra_insert');
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT kalibra_insert');
      await upsertRows(client, 'copy', schema, rawMapping, batch, text);
    }
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

const range = (values: number[]): string => `${Math.min(...values).toLocaleString('en')} – ${Math.max(...values).toLocaleString('en')}`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function writers(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const methods: Method[] = ['copy', 'unnest', 'insert-first', 'per-row'];
  const samples = new Map<Method, { insert: number[]; update: number[] }>(methods.map((m) => [m, { insert: [], update: [] }]));
  try {
    for (let run = 0; run < RUNS; run++) {
      // Rotated each run, so neither writer always runs on a warmer (or busier) server.
      for (const method of [...methods.slice(run % methods.length), ...methods.slice(0, run % methods.length)]) {
        const result = await measure(client, method, method === 'per-row' ? BASELINE_BATCHES : BATCHES);
        samples.get(method)!.insert.push(result.insert);
        samples.get(method)!.update.push(result.update);
        process.stdout.write(`run ${run + 1} ${method}: insert ${result.insert} rows/s, upsert-over-existing ${result.update} rows/s\n`);
      }
    }
  } finally {
    await client.end();
  }

  /**
   * End to end: E2E_RECORDS raw readings already on a topic, one sink (default batch size and
   * natural batching) from start to the moment every partition's stored offset is at its end.
   */
  async function endToEnd(topic: string, method: WriteMethod): Promise<number> {
    const schema = `sink_bench_e2e_${method}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await migrate(admin, schema);
    const sink = new PostgresSink({
      mapping: 'raw', topic, dlqTopic: `${topic}-dlq`, schema, connector: 'bench', groupId: `${topic}-${method}`,
      databaseUrl: url, kafka: { bootstrapBrokers: brokers, clientId: `bench-${method}` }, writeMethod: method,
    });
    const started = performance.now();
    await sink.start();
    for (;;) {
      const { rows: [done] } = await admin.query<{ n: string }>(
        `SELECT coalesce(sum(next_offset), 0) AS n FROM "${schema}".kalibra_sink_offsets WHERE connector = 'bench'`);
      if (Number(done!.n) >= E2E_RECORDS) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rate = Math.round(E2E_RECORDS / ((performance.now() - started) / 1000));
    await sink.stop();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
    return rate;
  }

  const topic = `sink-bench-${randomBytes(4).toString('hex')}`;
  const kafkaAdmin = new Admin({ clientId: 'sink-bench', bootstrapBrokers: brokers });
  await kafkaAdmin.createTopics({ topics: [topic, `${topic}-dlq`], partitions: E2E_PARTITIONS, replicas: 1 });
  const e2e = new Map<WriteMethod, number[]>([['copy', []], ['unnest', []]]);
  try {
    const producer = new Producer({ clientId: 'sink-bench', bootstrapBrokers: brokers, acks: ProduceAcks.ALL, idempotent: true });
    for (let i = 0; i < E2E_RECORDS; i += 5_000) {
      await producer.send({
        messages: Array.from({ length: 5_000 }, (_, j) => {
          const n = i + j;
          const sensor = `sensor-${String(n % 60).padStart(3, '0')}`;
          const ts = Date.parse('2026-01-01T00:00:00Z') + Math.floor(n / 60) * 1000;
          return {
            topic, partition: (n % 60) % E2E_PARTITIONS, key: Buffer.from(`${sensor}|${ts}`),
            value: Buffer.from(JSON.stringify({ sensor_id: sensor, ts: new Date(ts).toISOString(), value: n / 7, unit: 'celsius' })),
          };
        }),
      });
    }
    await producer.close();
    for (let run = 0; run < RUNS; run++) {
      for (const method of run % 2 === 0 ? ['copy', 'unnest'] as const : ['unnest', 'copy'] as const) {
        const rate = await endToEnd(topic, method);
        e2e.get(method)!.push(rate);
        process.stdout.write(`run ${run + 1} end-to-end ${method}: ${rate} records/s\n`);
      }
    }
  } finally {
    await kafkaAdmin.deleteTopics({ topics: [topic, `${topic}-dlq`] }).catch(() => undefined);
    await kafkaAdmin.close();
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
  ${line('insert-first', 'insert fast path: COPY into the table in a savepoint, else roll back to it and COPY into stage + upsert')}
  ${line('per-row', 'per-row INSERT … ON CONFLICT (baseline)')}

  End to end (Kafka → Postgres): ${E2E_RECORDS.toLocaleString('en')} raw readings on ${E2E_PARTITIONS} partitions, one
  \`PostgresSink\` with the default batch (at most 5,000 records, written as soon as the previous write finished), from start until every stored offset is at the end
  (includes joining the group and fetching), median of ${RUNS} runs:

  | writer | records/s end to end (median) | min – max |
  |---|---|---|
  | COPY + upsert | ${median(e2e.get('copy')!).toLocaleString('en')} | ${range(e2e.get('copy')!)} |
  | unnest | ${median(e2e.get('unnest')!).toLocaleString('en')} | ${range(e2e.get('unnest')!)} |

  End to end, the writer is a minor part of the time (fetching and parsing JSON dominate), so the
  two are within each other's run-to-run spread; the writer table above is where they differ.

  The insert fast path is what the sink tries first for a batch (with the COPY method): its insert column is a batch
  of new keys, its upsert column the price of guessing wrong (the COPY fails at the first existing key, then the
  stage + upsert runs), which the sink pays once and then skips the fast path for a growing number of batches
  (connectors/postgres/insert-fast-path.ts).

  Faster of the two batch writers in this run: **${winner}** (the sink's default is \`DEFAULT_WRITE_METHOD\` in
  connectors/postgres/row-writers.ts; \`--kalibra-sink-write-method\` overrides it).`);
  process.stdout.write(`faster: ${winner}\n`);
}

/** The contenders' section, with each goal of issue 15 as a ratio. */
async function contenders(): Promise<void> {
  const loadAtStart = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(', ');
  const results = await sinkContenders(url, brokers);
  const [single, alone, kalibra, debezium] = results as [typeof results[0], typeof results[0], typeof results[0], typeof results[0]];
  const n = (v: number | undefined): string => (v === undefined ? '—' : v.toLocaleString('en'));
  const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
  writeSection('sink-contenders', `## Postgres sink against its contenders, same rows (\`bench/sink-contenders.ts\`)

${await machineLine()}; Postgres at ${new URL(url).host}. ${contenderRows.toLocaleString('en')} calibrated readings (1,000 sensors),
as Kalibra JSON and as Connect JSON on topics of ${contenderPartitions} partitions; each contender in a fresh process, ${contenderRuns === 1 ? 'one run' : `median of ${contenderRuns} runs (order rotated per run)`}.
The sinks are timed in steady state (first committed rows to the last); "existing keys" runs a second sink from the start of
the topic over the rows the first one wrote. Load average when the run started: ${loadAtStart}.

| contender | new keys rows/s | existing keys rows/s |
|---|---:|---:|
${results.map((r) => `| ${r.name} | ${n(r.newKeys)} | ${n(r.existingKeys)} |`).join('\n')}

| goal (issue 15) | measured |
|---|---:|
| sink steady state ≥ 0.8× the stage + upsert statement alone (existing keys) | ${ratio(kalibra.existingKeys, alone.existingKeys)} |
| sink steady state ≥ 0.8× the stage + upsert statement alone (new keys) | ${ratio(kalibra.newKeys, alone.newKeys)} |
| sink ≥ 3× the Debezium JDBC sink (new keys) | ${ratio(kalibra.newKeys, debezium.newKeys)} |
| sink ≥ 3× the Debezium JDBC sink (existing keys) | ${ratio(kalibra.existingKeys, debezium.existingKeys)} |
| sink, new keys ≥ 0.5× a single COPY | ${ratio(kalibra.newKeys, single.newKeys)} |`);
}

if (process.env.KALIBRA_BENCH_SINK !== 'contenders') await writers();
await contenders();
