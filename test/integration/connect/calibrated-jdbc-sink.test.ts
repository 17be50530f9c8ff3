// The Debezium JDBC sink of connectors/kafka-connect/calibrated-jdbc-sink.json, run by a real
// Kafka Connect worker against the shared broker and Postgres, fed with Connect JSON made by
// calibration/connect-json.ts. Each test has its own topic, table and connector.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Consumer, Producer } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { encodeConnectJson, encodeConnectJsonTombstoneKey } from '../../../calibration/connect-json.ts';
import type { CalibratedReadingMessage } from '../../../calibration/connect-json.ts';
import { freshProducerIdentity } from '../../../topology/core/client-workarounds.ts';
import { brokers, createTopics, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';
import { connectorStatus, deleteConnector, deleteGroups, putConnector, readLog, startConnectWorker } from './connect-worker.ts';
import type { ConnectWorker } from './connect-worker.ts';

const committed = JSON.parse(readFileSync(join(process.cwd(), 'connectors', 'kafka-connect', 'calibrated-jdbc-sink.json'), 'utf8')) as
  { name: string; config: Record<string, string> };

let worker: ConnectWorker;

beforeAll(async () => {
  // A zone far from UTC: if the worker ran in the host's zone, every instant would land 5 h off.
  worker = await startConnectWorker({ timeZone: 'America/New_York' });
}, 600_000);

afterAll(async () => {
  await worker?.stop();
});

interface Sink {
  name: string;
  topic: string;
  table: string;
  dlq: string;
  db: pg.Client;
}

/** The committed connector config, pointed at a private topic, table and dead-letter topic. */
async function sinkInto(): Promise<Sink> {
  const topic = uniqueName('calibrated');
  const dlq = `${topic}.connect-dlq`;
  const table = uniqueName('calibrated_readings').replace('-', '_');
  const name = uniqueName('calibrated-jdbc-sink');
  await createTopics([topic], { configs: { 'cleanup.policy': 'compact' } });
  await createTopics([dlq]);
  const db = await pgClient();
  // The schema of docs/architecture.md#tables, created here: the sink must not create or alter tables.
  await db.query(`CREATE TABLE ${table} (sensor_id text, ts timestamptz, raw_value float8, value float8,
    unit text, status text, profile text, calibrated_at timestamptz, PRIMARY KEY (sensor_id, ts))`);
  onTestFinished(async () => {
    await deleteConnector(worker, name);
    await deleteGroups([`connect-${name}`]);
    await db.query(`DROP TABLE IF EXISTS ${table}`);
  });
  await putConnector(worker, name, {
    ...committed.config,
    'topics': topic,
    'collection.name.format': table,
    'errors.deadletterqueue.topic.name': dlq,
  });
  await waitFor(async () => {
    const status = await connectorStatus(worker, name);
    return status?.connector.state === 'RUNNING' && status.tasks.length === 1 && status.tasks[0]!.state === 'RUNNING';
  }, { timeoutMs: 60_000, message: `connector ${name} to run` });
  return { name, topic, table, dlq, db };
}

/** Fails at once, with Connect's stack trace, when the connector's task has failed. */
async function failOnFailedTask(name: string): Promise<void> {
  const status = await connectorStatus(worker, name);
  const failed = status?.tasks.find((task) => task.state === 'FAILED');
  if (failed !== undefined) throw new TaskFailed(`connector ${name} task failed:\n${failed.trace ?? '(no trace)'}`);
}

class TaskFailed extends Error {}

type Outgoing = MessageToProduce<Buffer, Buffer>;

function readingRecord(topic: string, reading: CalibratedReadingMessage): Outgoing {
  const { key, value } = encodeConnectJson(reading);
  return { topic, key, value };
}

function tombstone(topic: string, sensorId: string, ts: string | number): Outgoing {
  return { topic, key: encodeConnectJsonTombstoneKey(sensorId, ts) };
}

async function produce(records: Outgoing[]): Promise<void> {
  const producer = new Producer({ clientId: uniqueName('connect-test'), bootstrapBrokers: brokers(), acks: -1 });
  try {
    await producer.send({ messages: records });
  } finally {
    await producer.close();
  }
}

interface Row {
  sensor_id: string;
  ts: string;
  raw_value: number;
  value: number | null;
  unit: string | null;
  status: string;
  profile: string | null;
  calibrated_at: string;
}

/** Rows as the table holds them: instants as UTC ISO with microseconds, doubles as numbers. */
async function rows(db: pg.Client, table: string): Promise<Row[]> {
  const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${column}`;
  const result = await db.query<Row>(`SELECT sensor_id, ${iso('ts')}, raw_value, value, unit, status, profile, ${iso('calibrated_at')}
    FROM ${table} ORDER BY sensor_id, ts`);
  return result.rows;
}

/** Waits until the table holds exactly `expected`, then checks it once more for a readable diff. */
async function expectRows({ name, db, table }: Sink, expected: Row[]): Promise<void> {
  let last: Row[] = [];
  let failure: TaskFailed | undefined;
  try {
    await waitFor(async () => {
      last = await rows(db, table);
      if (isDeepStrictEqual(last, expected)) return true;
      await failOnFailedTask(name).catch((error: unknown) => { if (error instanceof TaskFailed) failure = error; });
      return failure !== undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, message: `table ${table} to hold the expected rows` });
    if (failure !== undefined) throw failure;
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast rows: ${JSON.stringify(last, null, 1)}\n--- connect.log ---\n${readLog(worker.devDir).slice(-4000)}`, { cause: error });
  }
  expect(await rows(db, table)).toEqual(expected);
}

/** What the row of a reading must be: the reading itself, instants to the microsecond. */
function rowOf(reading: CalibratedReadingMessage): Row {
  const utc = (value: string | number): string => new Date(value).toISOString().replace('Z', '000Z');
  return { ...reading, ts: utc(reading.ts), calibrated_at: utc(reading.calibrated_at) };
}

const ok: CalibratedReadingMessage = {
  sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', raw_value: 21.37, value: 20.94, unit: 'celsius',
  status: 'ok', profile: 'sensor-001@2025-06-01#3f9a1c2e7b10', calibrated_at: '2026-11-29T04:38:12.201Z',
};

describe('Debezium JDBC sink (connectors/kafka-connect/calibrated-jdbc-sink.json)', () => {
  it('lands calibrated readings as rows with the exact doubles, instants, text and nulls', async () => {
    const sink = await sinkInto();
    const { topic } = sink;
    const readings: CalibratedReadingMessage[] = [
      ok,
      // An offset in the ISO string is the same instant; a double that needs all 17 digits.
      { ...ok, sensor_id: 'sensor-002', ts: '2026-11-29T05:38:12.124+01:00', raw_value: 0.1 + 0.2, value: -1e-300 },
      { ...ok, sensor_id: 'sensor-003', status: 'uncalibrated', value: 21.37, profile: null },
      { ...ok, sensor_id: 'sensor-004', status: 'out_of_range', value: null, unit: null, profile: null },
    ];
    await produce(readings.map((reading) => readingRecord(topic, reading)));
    await expectRows(sink, readings.map(rowOf));
  });

  it('upserts a recalibrated reading over the row of the same (sensor_id, ts)', async () => {
    const sink = await sinkInto();
    const { topic } = sink;
    const other = { ...ok, ts: '2026-11-29T04:38:13.000Z' };
    const recalibrated = { ...ok, value: 20.5, profile: 'sensor-001@2025-06-01#0000aaaa1111', calibrated_at: '2026-11-30T00:00:00.000Z' };
    await produce([readingRecord(topic, ok), readingRecord(topic, other)]);
    await expectRows(sink, [rowOf(ok), rowOf(other)]);
    await produce([readingRecord(topic, recalibrated)]);
    await expectRows(sink, [rowOf(recalibrated), rowOf(other)]);
  });

  it('deletes the row of a reading when its tombstone arrives', async () => {
    const sink = await sinkInto();
    const { topic } = sink;
    const kept = { ...ok, sensor_id: 'sensor-002' };
    await produce([readingRecord(topic, ok), readingRecord(topic, kept)]);
    await expectRows(sink, [rowOf(ok), rowOf(kept)]);
    await produce([tombstone(topic, ok.sensor_id, ok.ts)]);
    await expectRows(sink, [rowOf(kept)]);
  });

  it('applies inserts, deletes and re-inserts of one batch in their order', async () => {
    const sink = await sinkInto();
    const { topic } = sink;
    const gone = { ...ok, sensor_id: 'sensor-gone' };
    const back = { ...ok, value: 19.99, calibrated_at: '2026-11-29T05:00:00.000Z' };
    await produce([
      readingRecord(topic, gone), readingRecord(topic, ok),
      tombstone(topic, gone.sensor_id, gone.ts), tombstone(topic, ok.sensor_id, ok.ts),
      readingRecord(topic, back),
    ]);
    await expectRows(sink, [rowOf(back)]);
  });

  it('never lands a reading from an aborted transaction (the sink reads read_committed)', async () => {
    const sink = await sinkInto();
    const { topic } = sink;
    const aborted = { ...ok, sensor_id: 'sensor-aborted' };
    const producer = new Producer({
      clientId: uniqueName('connect-test-tx'), bootstrapBrokers: brokers(), idempotent: true,
      transactionalId: uniqueName('connect-test-tx'), ...freshProducerIdentity,
    });
    try {
      const doomed = await producer.beginTransaction();
      await doomed.send({ messages: [readingRecord(topic, aborted)] });
      await doomed.abort();
      const good = await producer.beginTransaction();
      await good.send({ messages: [readingRecord(topic, ok)] });
      await good.commit();
    } finally {
      await producer.close();
    }
    // The committed reading comes after the aborted one in the log: once it is in, the
    // aborted one has been read past, and it must not be there.
    await expectRows(sink, [rowOf(ok)]);
  });

  it('sends a record that is not Connect JSON to the dead-letter topic and goes on with the next', async () => {
    const sink = await sinkInto();
    const { topic, dlq } = sink;
    const garbage = Buffer.from('{"sensor_id":"sensor-001","value":21.37}');
    await produce([{ topic, key: Buffer.from('sensor-001|1795927092123'), value: garbage }, readingRecord(topic, ok)]);
    await expectRows(sink, [rowOf(ok)]);

    const groupId = uniqueName('connect-test-dlq');
    const consumer = new Consumer({ groupId, clientId: groupId, bootstrapBrokers: brokers() });
    onTestFinished(async () => {
      await consumer.close();
      await deleteGroups([groupId]);
    });
    const stream = await consumer.consume({ topics: [dlq], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
    const dead: { value: Buffer; headers: Map<string, string> }[] = [];
    stream.on('data', (message) => {
      const headers = new Map([...message.headers].map(([name, value]) => [name.toString(), value.toString()]));
      dead.push({ value: message.value, headers });
    });
    await waitFor(() => dead.length > 0, { timeoutMs: 30_000, message: `a record on ${dlq}` });
    await stream.close();

    expect(dead).toHaveLength(1);
    expect(dead[0]!.value.equals(garbage)).toBe(true);
    expect(dead[0]!.headers.get('__connect.errors.topic')).toBe(topic);
    expect(dead[0]!.headers.get('__connect.errors.exception.class.name')).toBe('org.apache.kafka.connect.errors.DataException');
  });
});
