import type pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresGate } from '../../../../connectors/postgres/gate.ts';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import { PostgresSink } from '../../../../connectors/postgres/sink-runtime.ts';
import { installOffsetsAudit, offsetHistory, produce, readings, sinkSchema, storedOffsets } from '../../../helpers/sink-fixtures.ts';
import { brokers, createTopics, databaseUrl, pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

async function openGate(schema: string, topic: string, refreshIntervalMs: number, applicationName = 'kalibra-gate-test'): Promise<PostgresGate> {
  const gate = new PostgresGate({ databaseUrl: databaseUrl(), schema, topic, connector: 'raw-sink', refreshIntervalMs, applicationName });
  await gate.start();
  onTestFinished(async () => { await gate.close(); });
  return gate;
}

/** Waits on gate.changed() (not by polling) until partition 0 is admitted up to `offset`; `seen` collects each value. */
async function admittedTo(gate: PostgresGate, topic: string, offset: bigint, seen: bigint[] = [], timeoutMs = 20_000): Promise<bigint | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    const admitted = gate.admittedUpTo(topic, 0);
    if (admitted !== undefined && admitted !== seen.at(-1)) seen.push(admitted);
    if (signal.aborted || (admitted ?? -1n) >= offset) return admitted;
    await gate.changed(signal);
  }
}

interface GateTable {
  topic: string;
  schema: string;
  client: pg.Client;
}

/** A topic name and a fresh schema with kalibra_sink_offsets, and a client on it. */
async function gateTable(): Promise<GateTable> {
  const topic = uniqueName('gate-raw');
  const schema = sinkSchema();
  const client = await pgClient();
  await migrate(client, schema);
  return { topic, schema, client };
}

/** Stores the raw sink's next_offset with plain SQL and no NOTIFY: as if the notification had been lost. */
async function storeWithoutNotify(table: GateTable, partition: number, nextOffset: number): Promise<void> {
  await table.client.query(`INSERT INTO "${table.schema}".kalibra_sink_offsets (connector, topic, partition, next_offset) VALUES ('raw-sink', $1, $2, $3)`,
    [table.topic, partition, nextOffset]);
}

/** A NOTIFY on the gate's channel: the raw sink's offset for partition 0 of the topic, with `fields` changed. */
async function notify(table: GateTable, fields: Record<string, unknown>): Promise<void> {
  await table.client.query('SELECT pg_notify($1, $2)',
    ['kalibra_sink_offsets', JSON.stringify({ schema: table.schema, connector: 'raw-sink', topic: table.topic, partition: 0, next_offset: '5', ...fields })]);
}

describe('the Postgres gate', () => {
  it('admits exactly up to the next_offset the raw sink committed, woken by its NOTIFY', async () => {
    const { topic, schema, client } = await gateTable();
    const dlq = uniqueName('gate-dlq');
    await createTopics([topic, dlq]);
    await installOffsetsAudit(client, schema);
    // A fallback re-read far beyond the test's deadline: only a NOTIFY can move the gate in time.
    const gate = await openGate(schema, topic, 600_000);
    expect(gate.admittedUpTo(topic, 0)).toBeUndefined();

    await produce(topic, readings(700));
    const sink = new PostgresSink({
      mapping: 'raw', topic, dlqTopic: dlq, schema, connector: 'raw-sink', groupId: uniqueName('gate-sink'),
      databaseUrl: databaseUrl(), kafka: { bootstrapBrokers: brokers(), clientId: uniqueName('gate-sink') }, batchSize: 100,
    });
    onTestFinished(async () => { await sink.stop(); });
    await sink.start();

    const seen: bigint[] = [];
    expect(await admittedTo(gate, topic, 700n, seen)).toBe(700n);
    expect(await storedOffsets(client, schema, 'raw-sink')).toEqual({ 0: 700 });
    // Every value the gate ever admitted is a next_offset the sink committed (read by an audit
    // trigger, not through the gate), and they only grow.
    const committed = new Set((await offsetHistory(client, schema, 'raw-sink')).get(0)!.map((move) => BigInt(move.to)));
    expect(seen.filter((value) => !committed.has(value))).toEqual([]);
    expect([...seen].sort((a, b) => (a < b ? -1 : 1))).toEqual(seen);
    expect(gate.admittedUpTo('another-topic', 0)).toBeUndefined();
  });

  it('re-reads kalibra_sink_offsets periodically, so a missed NOTIFY only delays admission', async () => {
    const table = await gateTable();
    const gate = await openGate(table.schema, table.topic, 100);
    await storeWithoutNotify(table, 0, 42);
    expect(await admittedTo(gate, table.topic, 42n)).toBe(42n);
  });

  it('ignores notifications for other schemas, connectors and topics', async () => {
    const table = await gateTable();
    const gate = await openGate(table.schema, table.topic, 600_000);
    await notify(table, { schema: 'elsewhere' });
    await notify(table, { connector: 'calibrated-sink' });
    await notify(table, { topic: 'other' });
    await notify(table, { next_offset: 'x' });
    await notify(table, {});
    expect(await admittedTo(gate, table.topic, 5n)).toBe(5n);
  });

  it('reconnects after its connection is killed and catches up by re-reading the table', async () => {
    const table = await gateTable();
    const applicationName = uniqueName('gate');
    const gate = await openGate(table.schema, table.topic, 200, applicationName);
    await table.client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    await waitFor(() => !gate.connected, { message: 'the gate to notice its connection is gone' });
    await storeWithoutNotify(table, 0, 9);
    expect(await admittedTo(gate, table.topic, 9n)).toBe(9n);
    await waitFor(() => gate.connected, { message: 'the gate to reconnect' });
  });

  it('never moves an admitted offset backwards', async () => {
    const table = await gateTable();
    const gate = await openGate(table.schema, table.topic, 100);
    await storeWithoutNotify(table, 0, 50);
    expect(await admittedTo(gate, table.topic, 50n)).toBe(50n);
    await table.client.query(`UPDATE "${table.schema}".kalibra_sink_offsets SET next_offset = 10`);
    await notify(table, { next_offset: '10' });
    await storeWithoutNotify(table, 1, 3);
    await waitFor(() => gate.admittedUpTo(table.topic, 1) === 3n, { message: 'partition 1 admitted after the re-read' });
    expect(gate.admittedUpTo(table.topic, 0)).toBe(50n);
  });
});
