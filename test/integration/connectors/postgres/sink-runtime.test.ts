import { Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresSink } from '../../../../connectors/postgres/sink-runtime.ts';
import { readCommitted } from '../../../helpers/pipeline-processes.ts';
import { actualRawRows, produce, readings, sinkSchema, storedOffsets, tableSummary } from '../../../helpers/sink-fixtures.ts';
import { brokers, createTopics, databaseUrl, pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

function startSink(options: { topic: string; dlq: string; schema: string; mapping?: 'raw' | 'calibrated'; connector?: string }): PostgresSink {
  const sink = new PostgresSink({
    mapping: options.mapping ?? 'raw', topic: options.topic, dlqTopic: options.dlq, schema: options.schema,
    connector: options.connector ?? 'test-sink', groupId: uniqueName('sink-group'), databaseUrl: databaseUrl(),
    kafka: { bootstrapBrokers: brokers(), clientId: uniqueName('sink') }, sessionTimeoutMs: 10_000,
  });
  onTestFinished(async () => { await sink.stop(); });
  return sink;
}

describe('the Postgres sink runtime', () => {
  it('writes every raw reading once, applies tombstones, and stores the end offset of every partition', async () => {
    const topic = uniqueName('sink-raw');
    const dlq = uniqueName('sink-dlq');
    await createTopics([topic], { partitions: 3 });
    await createTopics([dlq]);
    const schema = sinkSchema();
    const data = readings(3_000, { sensors: 30, partitions: 3 });
    // A tombstone for the first reading of sensor-000, a re-send of sensor-001's first reading with a new value.
    data.push({ key: data[0]!.key, value: null, partition: 0 });
    data.push({ key: data[1]!.key, value: JSON.stringify({ sensor_id: 'sensor-001', ts: '2026-01-01T00:00:00.000Z', value: -1, room: 'attic' }), partition: 1 });
    await produce(topic, data);
    const sink = startSink({ topic, dlq, schema });
    await sink.start();

    const client = await pgClient();
    await waitFor(async () => {
      const offsets = await storedOffsets(client, schema, 'test-sink');
      return JSON.stringify(offsets) === JSON.stringify({ 0: 1001, 1: 1001, 2: 1000 });
    }, { message: 'offsets at the end of every partition' });
    const summary = await tableSummary(client, schema);
    expect(summary.rows).toBe(2_999);
    const { rows } = await client.query<{ value: number; extra: unknown; kafka_partition: number }>(
      `SELECT value, extra, kafka_partition FROM "${schema}".raw_readings WHERE sensor_id = 'sensor-001' AND ts = '2026-01-01T00:00:00Z'`);
    expect(rows).toEqual([{ value: -1, extra: { room: 'attic' }, kafka_partition: 1 }]);
    const { rows: gone } = await client.query(`SELECT 1 FROM "${schema}".raw_readings WHERE sensor_id = 'sensor-000' AND ts = '2026-01-01T00:00:00Z'`);
    expect(gone).toEqual([]);
  });

  it('sends a record that is not JSON to the DLQ with its source and moves past it', async () => {
    const topic = uniqueName('sink-raw');
    const dlq = uniqueName('sink-dlq');
    await createTopics([topic, dlq]);
    const schema = sinkSchema();
    await produce(topic, [
      ...readings(2),
      { key: 'sensor-x|1767225600000', value: 'not json', partition: 0 },
      { key: 'sensor-y|1767225600000', value: JSON.stringify({ sensor_id: 'sensor-y', ts: 'yesterday', value: 1 }), partition: 0 },
      ...readings(2, { startMs: Date.parse('2026-02-01T00:00:00Z') }),
    ]);
    const sink = startSink({ topic, dlq, schema });
    await sink.start();

    const client = await pgClient();
    await waitFor(async () => (await storedOffsets(client, schema, 'test-sink'))[0] === 6,
      { message: 'offset past the bad records' });
    expect((await tableSummary(client, schema)).rows).toBe(4);
    const dlqReader = await readCommitted(dlq);
    await waitFor(() => dlqReader.records.length >= 2, { message: '2 DLQ records' });
    const dead = dlqReader.records;
    expect(dead.map((d) => [d.key, d.headers['kalibra.error.code'], d.headers['kalibra.source.offset']])).toEqual([
      ['sensor-x|1767225600000', 'RECORD_NOT_JSON', '2'],
      ['sensor-y|1767225600000', 'RECORD_INVALID_FIELD', '3'],
    ]);
    expect(dead[1]!.headers['kalibra.error.message']).toContain('ts must be');
    expect(dead[0]!.headers['kalibra.sink.connector']).toBe('test-sink');
  });

  it('writes calibrated readings to calibrated_readings', async () => {
    const topic = uniqueName('sink-cal');
    const dlq = uniqueName('sink-dlq');
    await createTopics([topic, dlq]);
    const schema = sinkSchema();
    const reading = { sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', raw_value: 21.37, value: 20.94, unit: 'celsius',
      status: 'ok', profile: 'sensor-001@2025-06-01#3f9a1c2e7b10', calibrated_at: '2026-11-29T04:38:12.201Z' };
    await produce(topic, [{ key: 'sensor-001|1795927092123', value: JSON.stringify(reading), partition: 0 }]);
    const sink = startSink({ topic, dlq, schema, mapping: 'calibrated' });
    await sink.start();

    const client = await pgClient();
    await waitFor(async () => (await storedOffsets(client, schema, 'test-sink'))[0] === 1, { message: 'offset 1' });
    const { rows } = await client.query(`SELECT sensor_id, ts, raw_value, value, unit, status, profile, calibrated_at FROM "${schema}".calibrated_readings`);
    expect(rows).toEqual([{ ...reading, ts: new Date(reading.ts), calibrated_at: new Date(reading.calibrated_at) }]);
  });

  it('skips aborted transactions and stores the end offset past the commit markers of a transactional producer', async () => {
    const topic = uniqueName('sink-tx');
    const dlq = uniqueName('sink-dlq');
    await createTopics([topic, dlq]);
    const schema = sinkSchema();
    const producer = new Producer({ clientId: uniqueName('tx'), bootstrapBrokers: brokers(), idempotent: true, transactionalId: uniqueName('tx') });
    onTestFinished(async () => { await producer.close(); });
    const data = readings(18);
    const send = async (slice: typeof data, commit: boolean): Promise<void> => {
      const tx = await producer.beginTransaction();
      await tx.send({ messages: slice.map((r) => ({ topic, partition: 0, key: Buffer.from(r.key), value: Buffer.from(r.value!) })) });
      if (commit) await tx.commit();
      else await tx.abort();
    };
    await send(data.slice(0, 10), true); // offsets 0-9, marker 10
    await send(data.slice(10, 15), false); // offsets 11-15 aborted, marker 16
    await send(data.slice(15), true); // offsets 17-19, marker 20
    const sink = startSink({ topic, dlq, schema });
    await sink.start();

    const client = await pgClient();
    await waitFor(async () => (await storedOffsets(client, schema, 'test-sink'))[0] === 21, { message: 'offset 21, past the last marker' });
    const rows = await actualRawRows(client, schema);
    expect([...rows.values()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17].map((i) => i + (i % 50) / 1000));
  });
});
