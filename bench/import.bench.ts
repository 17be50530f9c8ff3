// `npm run bench -- import`: rows/s of bin/import's engine from a Postgres table into a raw
// topic (6 partitions, the idempotent producer, acks=all), and of a dry run (read and judge
// only, no Kafka) to show where the time goes. The goal is 50,000 rows/s from Postgres.
// IMPORT_BENCH_ROWS overrides the row count (e.g. for a quick check). Writes its section of
// bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import { machineLine, writeSection } from './results.ts';
import { runImport } from '../app/import/run-import.ts';
import { postgresSource } from '../app/import/sources.ts';
import { zoneReader } from '../app/import/zoned-time.ts';

const ROWS = Number(process.env.IMPORT_BENCH_ROWS ?? 500_000);
const RUNS = 3;
const PARTITIONS = 6;
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const suffix = randomBytes(4).toString('hex');
const schema = `import_bench_${suffix}`;

const client = new pg.Client({ connectionString: url });
await client.connect();
const admin = new Admin({ clientId: `import-bench-${suffix}`, bootstrapBrokers: brokers });
const topics: string[] = [];
try {
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(`CREATE TABLE "${schema}".history AS
    SELECT i AS id, 'sensor-' || lpad((i % 200)::text, 3, '0') AS device, timestamp '2025-01-01' + (i / 200) * interval '1 minute' AS taken_at,
           20 + (i % 1000) / 100.0 AS reading, 'celsius' AS uom
    FROM generate_series(1, ${ROWS}) AS i`);
  const query = `select device, taken_at, reading, uom from "${schema}".history order by id`;
  const reader = { mapping: { sensor: 'device', ts: 'taken_at', value: 'reading', unit: 'uom' }, zone: zoneReader('Europe/Berlin'), now: Date.now() };

  const run = async (dryRun: boolean): Promise<number> => {
    const topic = `import-bench-${suffix}-${topics.length}`;
    if (!dryRun) {
      await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] });
      topics.push(topic);
    }
    const rejectsPath = join(tmpdir(), `${topic}.rejects.ndjson`);
    const summary = await runImport({
      source: postgresSource(url, query), reader, topic, rejectsPath, identity: { topic }, resume: false, batchSize: 10_000,
      connection: dryRun ? undefined : { clientId: `import-bench-${suffix}`, bootstrapBrokers: brokers },
    });
    rmSync(rejectsPath, { force: true });
    rmSync(`${rejectsPath}.progress.json`, { force: true });
    if (summary.produced + summary.rejected !== ROWS || summary.rejected !== 0) throw new Error(`unexpected summary ${JSON.stringify(summary)}`);
    return (ROWS * 1000) / summary.durationMs;
  };

  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results: Record<string, number[]> = { produce: [], dry: [] };
  for (let i = 0; i < RUNS; i++) {
    results.produce!.push(await run(false));
    results.dry!.push(await run(true));
  }
  const row = (what: string, values: number[]): string =>
    `| ${what} | ${Math.round(median(values)).toLocaleString('en-US')} | ${values.map((v) => Math.round(v).toLocaleString('en-US')).join(', ')} |`;
  writeSection('import', `## bin/import from Postgres (\`bench/import.bench.ts\`)

${await machineLine()}; Postgres at ${new URL(url).host}, Kafka at ${brokers.join(',')}. ${ROWS.toLocaleString('en-US')} rows
(200 sensors, a \`timestamp without time zone\` read in Europe/Berlin, numeric values) read through a cursor, judged by the
raw-reading rules and produced to a ${PARTITIONS}-partition topic (idempotent, acks=all, batches of 10,000 with the progress file
moved after each), from the start of the import (including the row count for the ETA) to the last acknowledgement. Goal: 50,000 rows/s.

| run | rows/s (median of ${RUNS}) | each run |
|---|---:|---|
${row('import into Kafka', results.produce!)}
${row('--dry-run (read and judge only)', results.dry!)}
`);
  process.stdout.write(`import: ${JSON.stringify(results)}\n`);
} finally {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await client.end();
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.close();
}
