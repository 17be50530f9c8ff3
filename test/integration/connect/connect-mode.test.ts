// Connect mode (issue 18) on one real Kafka Connect worker with the Debezium JDBC sink: the raw
// and calibrated connectors of connectors/kafka-connect/ land both tables while bin/calibrator
// gates on the raw connector's committed offsets. Checked from outside: by SQL (tables compared
// with EXCEPT, a trigger that records every calibrated row written before its raw row, a
// trigger that counts every write), by read_committed consumers and the broker's end offsets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawReadingEnvelope, rawValueIn } from '../../../calibration/raw-reading-envelope.ts';
import { readingKey } from '../../../contract/reading-key.ts';
import { generate } from '../../../app/simulate/readings.ts';
import { fleet } from '../../../app/simulate/sensor-models.ts';
import { installOrphanAudit, orphanAuditRows, pollOrphans } from '../../helpers/pipeline-gate-audit.ts';
import { committedEnd, metricValue, opsPort, readCommitted, spawnBin, started } from '../../helpers/pipeline-processes.ts';
import { repoRoot, sinkSchema } from '../../helpers/sink-fixtures.ts';
import { pgClient, waitFor } from '../../helpers/stack.ts';
import { setConnectorState, startConnectWorker } from './connect-worker.ts';
import type { ConnectWorker } from './connect-worker.ts';
import {
  connectModePipeline, count, failOnFailedConnector, pipelineTopicsEnv, produceRaw, spawnConnectModeCalibrator, startConnector,
} from './connect-mode-pipeline.ts';
import type { RawRecord } from './connect-mode-pipeline.ts';

let worker: ConnectWorker;
beforeAll(async () => { worker = await startConnectWorker({ timeZone: 'UTC' }); }, 600_000);
afterAll(async () => { await worker?.stop(); });

/** Plain readings of sensors cm-00.. (no profile: passed through uncalibrated), as envelopes. */
function envelopes(first: number, countOf: number, sensors = 10): RawRecord[] {
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: countOf }, (_, k) => {
    const i = first + k;
    const sensor = `cm-${String(i % sensors).padStart(2, '0')}`;
    const ts = start + Math.floor(i / sensors) * 1000;
    return { key: readingKey(sensor, ts), value: Buffer.from(JSON.stringify(rawReadingEnvelope({ sensor_id: sensor, ts, value: i / 10 }))) };
  });
}

describe('Connect mode: the Debezium JDBC sink lands both topics, the calibrator gates on the raw connector', () => {
  it('lands both tables with the same end state as our sinks on the same seeded input (compared by SQL)', async () => {
    const partitions = 3;
    // The seeded input: ten minutes of the demo fleet with duplicates and malformed messages,
    // plus readings with fields of their own (raw_readings.extra).
    const from = Date.parse('2026-11-29T00:00:00Z');
    const records = [...generate({ fleet: fleet(12), seed: 5, intervalMs: 5_000, malformedRate: 0.03, duplicateRate: 0.03 }, from, from + 10 * 60_000)];
    const extras = Array.from({ length: 20 }, (_, i) => {
      const ts = from + 11 * 60_000 + i * 1000;
      return { key: readingKey('sensor-001', ts), value: JSON.stringify({ sensor_id: 'sensor-001', ts: new Date(ts).toISOString(), value: 20 + i / 7, unit: 'celsius', battery: 3 - i / 100, fw: { v: i } }), tsMs: ts, kind: 'reading' as const };
    });
    const seeded = [...records, ...extras];

    // Our sinks: bin/sink raw, bin/calibrator (Postgres gate), bin/sink calibrated, plain JSON in.
    const ours = await connectModePipeline({ partitions, prefix: 'cm-ours' });
    await produceRaw(ours.raw, seeded.map((r) => ({ key: r.key, value: Buffer.from(r.value), timestampMs: r.tsMs })));
    const oursEnv = { ...pipelineTopicsEnv(ours), KALIBRA_SINK_SCHEMA: ours.schema, KALIBRA_GATE_SCHEMA: ours.schema };
    spawnBin('sink', ['--mapping', 'raw'], { ...oursEnv, KALIBRA_GROUP_ID: `${ours.id}-raw-sink`, KALIBRA_INSTANCE_ID: `${ours.id}-raw-sink` });
    spawnBin('sink', ['--mapping', 'calibrated'], { ...oursEnv, KALIBRA_GROUP_ID: `${ours.id}-cal-sink`, KALIBRA_INSTANCE_ID: `${ours.id}-cal-sink` });
    spawnBin('calibrator', [], { ...oursEnv, KALIBRA_GROUP_ID: `${ours.id}-calibrator`, KALIBRA_INSTANCE_ID: `${ours.id}-calibrator` });

    // Connect mode: the same records, each reading in its Connect JSON envelope (what bin/simulate --raw-format connect-json sends).
    const connect = await connectModePipeline({ partitions, prefix: 'cm-connect' });
    const connectValues = seeded.map((r) => rawValueIn('connect-json', r.value));
    await produceRaw(connect.raw, seeded.map((r, i) => ({ key: r.key, value: connectValues[i]!, timestampMs: r.tsMs })));
    await startConnector(worker, connect, 'raw');
    await startConnector(worker, connect, 'calibrated');
    spawnConnectModeCalibrator(connect);
    const dead = await readCommitted(connect.dlq);

    // What each table must hold, worked out from the input alone: a raw row per (sensor_id, ts)
    // of every value that is a storable reading; a calibrated row per key of a good reading.
    const rawRows = new Set(seeded.flatMap((r) => {
      let json: unknown;
      try { json = JSON.parse(r.value); } catch { return []; }
      const envelope = json !== null && typeof json === 'object' && !Array.isArray(json) ? rawReadingEnvelope(json as Record<string, unknown>) : undefined;
      return envelope === undefined ? [] : [`${envelope.payload.sensor_id}|${envelope.payload.ts}`];
    })).size;
    const calibratedRows = new Set(seeded.filter((r) => r.kind !== 'malformed').map((r) => r.key)).size;
    const notEnvelopes = connectValues.filter((value, i) => value.toString() === seeded[i]!.value).length;
    expect(notEnvelopes).toBeGreaterThan(0);

    const tables = async (schema: string): Promise<[number, number]> => [
      await count(ours.db, `"${schema}".raw_readings`), await count(ours.db, `"${schema}".calibrated_readings`)];
    let last = '';
    await waitFor(async () => {
      await failOnFailedConnector(worker, connect);
      const [a, b] = [await tables(ours.schema), await tables(connect.schema)];
      last = JSON.stringify({ ours: a, connect: b, want: [rawRows, calibratedRows] });
      return [...a, ...b].join() === [rawRows, calibratedRows, rawRows, calibratedRows].join();
    }, { timeoutMs: 180_000, intervalMs: 500, message: 'both pipelines to land every row (last seen: see below)' }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${last}`, { cause: error });
    });

    const differences = async (table: string, columns: string): Promise<unknown[]> => (await ours.db.query<Record<string, unknown>>(
      `(SELECT 'ours' AS side, ${columns} FROM "${ours.schema}".${table} EXCEPT SELECT 'ours', ${columns} FROM "${connect.schema}".${table})
       UNION ALL
       (SELECT 'connect', ${columns} FROM "${connect.schema}".${table} EXCEPT SELECT 'connect', ${columns} FROM "${ours.schema}".${table}) LIMIT 10`)).rows;
    // Same offsets too: both raw topics got the same records in the same order and partitions.
    expect(await differences('raw_readings', 'sensor_id, ts, value, unit, extra, kafka_partition, kafka_offset')).toEqual([]);
    // calibrated_at is when each calibrator ran, so it is the one column left out.
    expect(await differences('calibrated_readings', 'sensor_id, ts, raw_value, value, unit, status, profile')).toEqual([]);
    const withExtra = await count(ours.db, `"${connect.schema}".raw_readings WHERE extra ? 'battery'`);
    expect(withExtra).toBe(extras.length);
    const statuses = (await ours.db.query<{ status: string }>(`SELECT DISTINCT status FROM "${connect.schema}".calibrated_readings`)).rows.map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining(['ok', 'uncalibrated']));

    // Dead letters: the raw connector's (Connect's __connect.errors.* headers) for every value
    // that is not an envelope, next to the calibrator's (kalibra.error.code) on the same topic.
    await waitFor(() => dead.records.filter((r) => r.headers['__connect.errors.topic'] !== undefined).length >= notEnvelopes,
      { timeoutMs: 60_000, message: `${notEnvelopes} dead letters of the raw connector` });
    const fromConnect = dead.records.filter((r) => r.headers['__connect.errors.topic'] !== undefined);
    expect(fromConnect).toHaveLength(notEnvelopes);
    expect(fromConnect.every((r) => r.headers['__connect.errors.topic'] === connect.raw
      && r.headers['__connect.errors.exception.class.name'] === 'org.apache.kafka.connect.errors.DataException')).toBe(true);
    expect(dead.records.some((r) => r.headers['kalibra.error.code'] !== undefined)).toBe(true);
    // As the contract describes them (contract/specs/asyncapi.yaml, message connectDeadLetter).
    const asyncApi = parse(readFileSync(join(repoRoot, 'contract', 'specs', 'asyncapi.yaml'), 'utf8')) as
      { components: { messages: { connectDeadLetter: { headers: { required: string[] } } } } };
    const required = asyncApi.components.messages.connectDeadLetter.headers.required;
    for (const record of fromConnect) expect(Object.keys(record.headers)).toEqual(expect.arrayContaining(required));
    expect(fromConnect[0]!.headers['__connect.errors.connector.name']).toBe(connect.connectors.raw);
  }, 300_000);

  it('holds the gate: with the raw connector paused nothing is calibrated, and no calibrated row is ever written before its raw row', async () => {
    const pipeline = await connectModePipeline({ partitions: 2, prefix: 'cm-gate' });
    await installOrphanAudit(pipeline.db, pipeline.schema);
    await startConnector(worker, pipeline, 'raw');
    await setConnectorState(worker, pipeline.connectors.raw, 'PAUSED');
    await startConnector(worker, pipeline, 'calibrated');
    await produceRaw(pipeline.raw, envelopes(0, 200));
    const poller = await pollOrphans(pipeline.schema);
    const reader = await readCommitted(pipeline.calibrated);
    const calibrator = spawnConnectModeCalibrator(pipeline);
    await started(calibrator, 'the calibrator');
    const port = await opsPort(calibrator);

    // The calibrator holds the raw records and the gate turns them away, again and again.
    await waitFor(async () => await metricValue(port, 'kalibra_gate_wait_seconds_count') >= 5,
      { timeoutMs: 60_000, message: 'the calibrator to wait on the gate five times' });
    expect(await committedEnd(pipeline.calibrated, 2)).toBe(0);
    expect(reader.records).toEqual([]);
    expect(await metricValue(port, 'kalibra_records_out_total')).toBe(0);
    expect(await count(pipeline.db, `"${pipeline.schema}".raw_readings`)).toBe(0);

    await setConnectorState(worker, pipeline.connectors.raw, 'RUNNING');
    await waitFor(async () => await count(pipeline.db, `"${pipeline.schema}".calibrated_readings`) === 200,
      { timeoutMs: 90_000, message: 'the first 200 calibrated rows' });
    // More while everything runs, each batch after the last reached calibrated_readings.
    for (let first = 200; first < 400; first += 40) {
      await produceRaw(pipeline.raw, envelopes(first, 40));
      await waitFor(async () => { await failOnFailedConnector(worker, pipeline); return await count(pipeline.db, `"${pipeline.schema}".calibrated_readings`) === first + 40; },
        { timeoutMs: 60_000, message: `${first + 40} calibrated rows` });
    }
    const sampled = await poller.stop();
    expect({ ...sampled, audited: await orphanAuditRows(pipeline.db, pipeline.schema) }).toMatchObject({ maxOrphans: 0, audited: 0 });
    expect(sampled.samplesWithRows).toBeGreaterThan(0);
    expect(await count(pipeline.db, `"${pipeline.schema}".raw_readings`)).toBe(400);
    await waitFor(() => reader.records.length >= 400, { message: '400 calibrated records read_committed' });
    expect(new Set(reader.records.map((r) => r.key)).size).toBe(400);
  }, 180_000);

  it('bin/sink --migrate-only creates the tables the connectors write, consumes nothing and exits 0 (the init container of k8s/components/connect-mode)', async () => {
    const schema = sinkSchema();
    const db = await pgClient();
    const proc = spawnBin('sink', ['--mapping', 'raw', '--migrate-only'], { KALIBRA_SINK_SCHEMA: schema, KAFKA_BROKERS: '127.0.0.1:1' });
    expect(await proc.exited, proc.output()).toBe(0);
    const tables = await db.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['calibrated_readings', 'raw_readings']));
    expect(proc.output()).toContain('"msg":"migrations applied"');
    // A second run finds nothing to do.
    const again = spawnBin('sink', ['--mapping', 'raw', '--migrate-only'], { KALIBRA_SINK_SCHEMA: schema, KAFKA_BROKERS: '127.0.0.1:1' });
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('"applied":[]');
  }, 60_000);

  it('loses nothing and leaves no duplicate rows when the Connect worker is SIGKILLed mid-run', async () => {
    const pipeline = await connectModePipeline({ partitions: 2, prefix: 'cm-kill' });
    await installOrphanAudit(pipeline.db, pipeline.schema);
    // Every write the connectors make, row by row: re-deliveries after the crash show up here.
    await pipeline.db.query(`CREATE TABLE "${pipeline.schema}".write_audit (tbl text, sensor_id text, ts timestamptz);
      CREATE FUNCTION "${pipeline.schema}".audit_writes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO "${pipeline.schema}".write_audit VALUES (TG_TABLE_NAME, NEW.sensor_id, NEW.ts); RETURN NEW; END $$;
      CREATE TRIGGER audit_writes AFTER INSERT OR UPDATE ON "${pipeline.schema}".raw_readings FOR EACH ROW EXECUTE FUNCTION "${pipeline.schema}".audit_writes();
      CREATE TRIGGER audit_writes AFTER INSERT OR UPDATE ON "${pipeline.schema}".calibrated_readings FOR EACH ROW EXECUTE FUNCTION "${pipeline.schema}".audit_writes();`);
    // Small batches, so the sink is mid-stream (rows written, offsets not yet committed) most of the time.
    const small = { 'batch.size': '50', 'consumer.override.max.poll.records': '50' };
    await startConnector(worker, pipeline, 'raw', small);
    await startConnector(worker, pipeline, 'calibrated', small);
    spawnConnectModeCalibrator(pipeline);

    const total = 8_000;
    const chunk = 500;
    const rawRows = async (): Promise<number> => count(pipeline.db, `"${pipeline.schema}".raw_readings`);
    let rowsAtKill = -1;
    for (let first = 0; first < total; first += chunk) {
      await produceRaw(pipeline.raw, envelopes(first, chunk, 40));
      if (rowsAtKill < 0 && first >= total / 3) {
        // Kill while the connectors are landing what was sent: some of it in, not all of it.
        await waitFor(async () => await rawRows() >= 1_000, { timeoutMs: 60_000, intervalMs: 20, message: '1,000 raw rows before the kill' });
        await worker.kill();
        rowsAtKill = await rawRows();
      }
    }
    expect(rowsAtKill).toBeGreaterThan(0);
    expect(rowsAtKill).toBeLessThan(total);
    await worker.restart();

    await waitFor(async () => {
      await failOnFailedConnector(worker, pipeline);
      return await rawRows() === total && await count(pipeline.db, `"${pipeline.schema}".calibrated_readings`) === total;
    }, { timeoutMs: 180_000, intervalMs: 500, message: `${total} raw and ${total} calibrated rows after the restart` });

    // Nothing lost, nothing doubled: one row per reading, with the reading's own value.
    const wrong = await pipeline.db.query(`SELECT r.sensor_id, r.ts, r.value, c.raw_value FROM "${pipeline.schema}".raw_readings r
      JOIN "${pipeline.schema}".calibrated_readings c USING (sensor_id, ts)
      WHERE c.raw_value IS DISTINCT FROM r.value OR c.value IS DISTINCT FROM r.value LIMIT 5`);
    expect(wrong.rows).toEqual([]);
    const keys = await pipeline.db.query<{ n: string }>(`SELECT count(DISTINCT (sensor_id, ts)) AS n FROM "${pipeline.schema}".raw_readings`);
    expect(Number(keys.rows[0]!.n)).toBe(total);
    expect(await orphanAuditRows(pipeline.db, pipeline.schema)).toBe(0);
    const writes = await pipeline.db.query<{ tbl: string; n: string }>(`SELECT tbl, count(*) AS n FROM "${pipeline.schema}".write_audit GROUP BY tbl`);
    const rewritten = Object.fromEntries(writes.rows.map((r) => [r.tbl, Number(r.n) - total]));
    console.info(`SIGKILL at ${rowsAtKill}/${total} raw rows; rows written again after the restart (at least once + upsert): ${JSON.stringify(rewritten)}`);
    expect(rewritten.raw_readings).toBeGreaterThanOrEqual(0);
    expect(rewritten.calibrated_readings).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
