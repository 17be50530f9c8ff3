// The sink against its contenders on the same rows, in one run (part of `npm run bench -- sink`):
// ROWS calibrated readings, as Kalibra JSON on one topic and as Connect JSON on another, and
//   - a single COPY of every row into the empty table (the database's floor for new keys),
//   - the sink's stage + upsert statement alone (COPY into the stage table, INSERT … ON
//     CONFLICT), batches of 5,000 rows in one transaction each, no Kafka,
//   - Kalibra's sink (PostgresSink, mapping calibrated, defaults) from the topic,
//   - the Debezium JDBC sink on a real Kafka Connect worker (test/integration/connect's
//     private worker, the committed connector config) from the Connect JSON topic,
// each over new keys (an empty table) and over existing keys (every row conflicts: a replay).
// Every contender runs in a fresh process (bench/sink-contender-process.ts), so none inherits
// another's JIT state, heap or connections; KALIBRA_BENCH_SINK_RUNS runs (default 1) rotate the
// order and report medians. The sinks are timed in steady state: from their first committed
// rows to the last, so the group join and the first fetch are not counted.
// KALIBRA_BENCH_CPU_PROF=<dir> writes a CPU profile of each Kalibra sink process there.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { CalibratedMessage } from '../calibration/calibrated-message.ts';
import { encodeCalibratedMessage } from '../calibration/calibrated-message.ts';
import { encodeConnectJson } from '../calibration/connect-json.ts';
import { readingKey } from '../contract/reading-key.ts';
import { calibratedMapping } from '../connectors/postgres/mappings/calibrated.ts';
import type { Row } from '../connectors/postgres/mappings/mapping.ts';
import { migrate } from '../connectors/postgres/migrate.ts';
import { copyText, upsertRows } from '../connectors/postgres/row-writers.ts';
import { PostgresSink } from '../connectors/postgres/sink-runtime.ts';
import type { ConnectWorker } from '../test/integration/connect/connect-worker.ts';

const ROWS = Number(process.env.KALIBRA_BENCH_SINK_ROWS ?? 200_000);
const RUNS = Number(process.env.KALIBRA_BENCH_SINK_RUNS ?? 1);
const PARTITIONS = 4;
const BATCH = 5_000;

export interface ContenderResult {
  name: string;
  newKeys: number;
  existingKeys: number | undefined;
}

export function messages(): CalibratedMessage[] {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: ROWS }, (_, i) => {
    const sensor = `sensor-${String(i % 1_000).padStart(4, '0')}`;
    const ts = new Date(start + Math.floor(i / 1_000) * 1_000).toISOString();
    const raw = 20 + (i % 97) / 10;
    return {
      sensor_id: sensor, ts, raw_value: raw, value: raw - 0.5, unit: 'celsius', status: 'ok',
      profile: `${sensor}@2025-01-01#0123456789ab`, calibrated_at: new Date(start + i).toISOString(),
    };
  });
}

const perSecond = (rows: number, ms: number): number => Math.round(rows / (ms / 1000));

export async function freshSchema(client: pg.Client, schema: string): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await migrate(client, schema);
}

/** The rows of messages(), as the calibrated mapping makes them. */
export function contenderRowsOf(data: readonly CalibratedMessage[]): Row[] {
  return data.map((m, i) => calibratedMapping.toRow({
    topic: 't', partition: 0, offset: BigInt(i), timestamp: 0n, key: Buffer.from(readingKey(m.sensor_id, Date.parse(m.ts))),
    value: encodeCalibratedMessage(m), headers: new Map(),
  }));
}

export async function singleCopy(client: pg.Client, schema: string, rows: readonly Row[]): Promise<number> {
  await freshSchema(client, schema);
  const columns = calibratedMapping.columns.map((c) => c.name).join(', ');
  const started = performance.now();
  await client.query('BEGIN');
  const stream = client.query(copyStreams.from(`COPY "${schema}".${calibratedMapping.table} (${columns}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => { stream.on('finish', resolve); stream.on('error', reject); });
  for (let i = 0; i < rows.length; i += BATCH) stream.write(copyText(rows.slice(i, i + BATCH)));
  stream.end();
  await done;
  await client.query('COMMIT');
  return perSecond(rows.length, performance.now() - started);
}

export async function statementAlone(client: pg.Client, schema: string, rows: readonly Row[]): Promise<{ newKeys: number; existingKeys: number }> {
  await freshSchema(client, schema);
  const pass = async (): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) {
      await client.query('BEGIN');
      await upsertRows(client, 'copy', schema, calibratedMapping, rows.slice(i, i + BATCH));
      await client.query('COMMIT');
    }
    return perSecond(rows.length, performance.now() - started);
  };
  return { newKeys: await pass(), existingKeys: await pass() };
}

/** Polls `progress()` (rows done so far) until ROWS; rows/s from the first poll that saw any to the end. */
async function steadyState(progress: () => Promise<number>, failed: () => Promise<string | undefined> = () => Promise.resolve(undefined)): Promise<number> {
  let first: { at: number; rows: number } | undefined;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const rows = await progress();
    const at = performance.now();
    if (first === undefined && rows > 0) first = { at, rows };
    if (rows >= ROWS) return perSecond(rows - first!.rows, Math.max(1, at - first!.at));
    const failure = await failed();
    if (failure !== undefined) throw new Error(failure);
    if (Date.now() > deadline) throw new Error(`only ${rows} of ${ROWS} rows after 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function kalibraSink(client: pg.Client, url: string, brokers: string[], schema: string, topic: string, connector: string): Promise<number> {
  const sink = new PostgresSink({
    mapping: 'calibrated', topic, dlqTopic: `${topic}-dlq`, schema, connector, groupId: `${topic}-${connector}`,
    databaseUrl: url, kafka: { bootstrapBrokers: brokers, clientId: `bench-${connector}` },
  });
  await sink.start();
  try {
    return await steadyState(async () => Number((await client.query<{ n: string }>(
      `SELECT coalesce(sum(next_offset), 0) AS n FROM "${schema}".kalibra_sink_offsets WHERE connector = $1`, [connector])).rows[0]!.n));
  } finally {
    await sink.stop();
  }
}

export async function debeziumSink(client: pg.Client, worker: ConnectWorker, topic: string, table: string, name: string, existing: boolean): Promise<number> {
  // Loaded here, not at the top: the other contenders' processes never load the test helpers.
  const { connectorStatus, deleteConnector, deleteGroups, putConnector } = await import('../test/integration/connect/connect-worker.ts');
  const committed = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'connectors', 'kafka-connect', 'calibrated-jdbc-sink.json'), 'utf8')) as
    { config: Record<string, string> };
  // Over existing keys: progress is the rows whose calibrated_at the second pass changed.
  if (existing) await client.query(`UPDATE ${table} SET calibrated_at = 'epoch'`);
  await putConnector(worker, name, {
    ...committed.config, 'topics': topic, 'collection.name.format': table, 'errors.deadletterqueue.topic.name': `${topic}.connect-dlq`,
  });
  try {
    const sql = existing ? `SELECT count(*) AS n FROM ${table} WHERE calibrated_at > 'epoch'` : `SELECT count(*) AS n FROM ${table}`;
    return await steadyState(
      async () => Number((await client.query<{ n: string }>(sql)).rows[0]!.n),
      async () => {
        const status = await connectorStatus(worker, name);
        return status?.tasks.some((t) => t.state === 'FAILED') ? `connector failed: ${status.tasks[0]?.trace ?? ''}` : undefined;
      });
  } finally {
    await deleteConnector(worker, name);
    await deleteGroups([`connect-${name}`]).catch(() => undefined);
  }
}

/** What a contender process is told: which contender, and where its data and tables are. */
export interface ContenderSpec {
  contender: 'single-copy' | 'statement-alone' | 'kalibra-new' | 'kalibra-existing' | 'debezium';
  url: string;
  brokers: string[];
  /** The run's id: schemas, tables, connectors and groups are named after it. */
  id: string;
  /** The data: topics `<topics>.calibrated` (Kalibra JSON) and `<topics>.calibrated-connect` (Connect JSON). */
  topics: string;
}

export interface ContenderOutcome {
  newKeys?: number;
  existingKeys?: number;
}

/** Runs one contender in this process (bench/sink-contender-process.ts calls it). */
export async function runContender(spec: ContenderSpec): Promise<ContenderOutcome> {
  const { url, brokers, id, topics } = spec;
  const schema = id.replaceAll('-', '_');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    switch (spec.contender) {
      case 'single-copy':
        return { newKeys: await singleCopy(client, `${schema}_copy`, contenderRowsOf(messages())) };
      case 'statement-alone':
        return await statementAlone(client, `${schema}_stmt`, contenderRowsOf(messages()));
      case 'kalibra-new':
        await freshSchema(client, schema);
        return { newKeys: await kalibraSink(client, url, brokers, schema, `${topics}.calibrated`, `${id}-new`) };
      case 'kalibra-existing':
        // Over the rows kalibra-new wrote (it runs first in every order).
        return { existingKeys: await kalibraSink(client, url, brokers, schema, `${topics}.calibrated`, `${id}-existing`) };
      case 'debezium': {
        const { startConnectWorker } = await import('../test/integration/connect/connect-worker.ts');
        const worker = await startConnectWorker({ timeZone: 'UTC' });
        const table = `${schema}_connect`;
        try {
          await client.query(`DROP TABLE IF EXISTS ${table}`);
          await client.query(`CREATE TABLE ${table} (sensor_id text, ts timestamptz, raw_value float8, value float8,
            unit text, status text, profile text, calibrated_at timestamptz, PRIMARY KEY (sensor_id, ts))`);
          const topic = `${topics}.calibrated-connect`;
          return {
            newKeys: await debeziumSink(client, worker, topic, table, `${id}-new`, false),
            existingKeys: await debeziumSink(client, worker, topic, table, `${id}-existing`, true),
          };
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    await client.end();
  }
}

/** Runs one contender in a fresh process and reads its outcome (the last line it prints). */
function inFreshProcess(spec: ContenderSpec): Promise<ContenderOutcome> {
  const profileDir = process.env.KALIBRA_BENCH_CPU_PROF;
  const profile = profileDir !== undefined && spec.contender.startsWith('kalibra') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, join(import.meta.dirname, 'sink-contender-process.ts'), JSON.stringify(spec)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(last) as ContenderOutcome);
      else reject(new Error(`contender ${spec.contender} exited with ${code}: ${output}`));
    });
  });
}

const median = (values: number[]): number | undefined =>
  (values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);

export async function sinkContenders(url: string, brokers: string[]): Promise<ContenderResult[]> {
  const data = messages();
  const id = `sink-contenders-${randomBytes(4).toString('hex')}`;
  const kalibraTopic = `${id}.calibrated`;
  const connectTopic = `${id}.calibrated-connect`;
  const admin = new Admin({ clientId: id, bootstrapBrokers: brokers });
  await admin.createTopics({ topics: [kalibraTopic, connectTopic], partitions: PARTITIONS, replicas: 1 });
  await admin.createTopics({ topics: [`${kalibraTopic}-dlq`, `${connectTopic}.connect-dlq`], partitions: 1, replicas: 1 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const runIds: string[] = [];
  try {
    const producer = new Producer({ clientId: id, bootstrapBrokers: brokers, acks: ProduceAcks.ALL, idempotent: true });
    // Connect JSON carries its schema in every message: small sends stay under the broker's request limit.
    for (let i = 0; i < data.length; i += 1_000) {
      const chunk = data.slice(i, i + 1_000);
      await producer.send({
        messages: chunk.map((m, j) => ({
          topic: kalibraTopic, partition: (i + j) % PARTITIONS, key: Buffer.from(readingKey(m.sensor_id, Date.parse(m.ts))), value: encodeCalibratedMessage(m),
        })),
      });
      await producer.send({
        messages: chunk.map((m, j) => ({ topic: connectTopic, partition: (i + j) % PARTITIONS, ...encodeConnectJson(m) })),
      });
    }
    await producer.close();

    // kalibra-new fills the table kalibra-existing runs over, so the two stay in that order.
    const order = ['single-copy', 'statement-alone', 'kalibra', 'debezium'] as const;
    const samples = new Map<string, { newKeys: number[]; existingKeys: number[] }>(order.map((c) => [c, { newKeys: [], existingKeys: [] }]));
    for (let run = 0; run < RUNS; run++) {
      const runId = `${id}-r${run}`;
      runIds.push(runId);
      for (const contender of [...order.slice(run % order.length), ...order.slice(0, run % order.length)]) {
        const specs: ContenderSpec['contender'][] = contender === 'kalibra' ? ['kalibra-new', 'kalibra-existing'] : [contender];
        for (const name of specs) {
          // Every run's tables are its own; the topics are the same (read from the start by new groups and connectors).
          const outcome = await inFreshProcess({ contender: name, url, brokers, id: runId, topics: id });
          if (outcome.newKeys !== undefined) samples.get(contender)!.newKeys.push(outcome.newKeys);
          if (outcome.existingKeys !== undefined) samples.get(contender)!.existingKeys.push(outcome.existingKeys);
          process.stdout.write(`run ${run + 1} ${name}: ${JSON.stringify(outcome)}\n`);
        }
      }
    }
    const names: Record<(typeof order)[number], string> = {
      'single-copy': 'a single COPY into the table',
      'statement-alone': 'stage + upsert statement alone (5,000-row transactions)',
      'kalibra': 'Kalibra\'s sink (PostgresSink, defaults)',
      'debezium': 'Debezium JDBC sink (Kafka Connect, committed config)',
    };
    const results = order.map((c) => ({ name: names[c], newKeys: median(samples.get(c)!.newKeys)!, existingKeys: median(samples.get(c)!.existingKeys) }));
    for (const r of results) process.stdout.write(`${r.name}: new keys ${r.newKeys} rows/s, existing keys ${r.existingKeys ?? '—'} rows/s\n`);
    return results;
  } finally {
    for (const runId of runIds) {
      const schema = runId.replaceAll('-', '_');
      for (const s of [schema, `${schema}_copy`, `${schema}_stmt`]) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await client.query(`DROP TABLE IF EXISTS ${schema}_connect`);
    }
    await client.end();
    await admin.deleteTopics({ topics: [kalibraTopic, connectTopic, `${kalibraTopic}-dlq`, `${connectTopic}.connect-dlq`] }).catch(() => undefined);
    await admin.close();
  }
}

export const contenderRows = ROWS;
export const contenderPartitions = PARTITIONS;
export const contenderRuns = RUNS;
