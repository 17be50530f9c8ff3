// Postgres crashes and comes back while readings keep arriving: the sink retries with
// backoff, reports not ready meanwhile, never exits, and ends with every row exactly once.
// Uses a private Postgres (the shared one on 5432 is never restarted).
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import {
  actualRawRows, chainProblems, expectedRawRows, installOffsetsAudit, offsetHistory, produce, readings, rowDifferences,
  spawnSink, storedOffsets,
} from '../../../helpers/sink-fixtures.ts';
import { privatePostgres } from '../../../helpers/sink-private-postgres.ts';
import { createTopics, uniqueName, waitFor } from '../../../helpers/stack.ts';

async function status(port: number, path: string): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  } catch {
    return 0;
  }
}

describe('the Postgres sink when Postgres restarts', () => {
  it('loses and duplicates nothing, is not ready while Postgres is down, and keeps running', async () => {
    const db = await privatePostgres();
    const topic = uniqueName('pgdown-raw');
    const dlq = uniqueName('pgdown-dlq');
    await createTopics([topic], { partitions: 2 });
    await createTopics([dlq]);
    const schema = 'sink';
    const connect = async (): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      client.on('error', () => undefined);
      return client;
    };
    const setup = await connect();
    await migrate(setup, schema);
    await installOffsetsAudit(setup, schema);
    await setup.end();

    const data = readings(40_000, { sensors: 40, partitions: 2 });
    const chunks = Array.from({ length: 20 }, (_, i) => data.slice(i * 2_000, (i + 1) * 2_000));
    const sink = spawnSink(['--mapping', 'raw'], {
      DATABASE_URL: db.url, KALIBRA_SINK_SCHEMA: schema, KALIBRA_TOPIC_RAW: topic, KALIBRA_TOPIC_DLQ: dlq,
      KALIBRA_SINK_CONNECTOR: 'pgdown', KALIBRA_GROUP_ID: uniqueName('pgdown'), KALIBRA_SINK_BATCH_SIZE: '1000',
    });
    const started = await waitFor(() => /"msg":"started".*"httpPort":(\d+)/.exec(sink.output()) ?? undefined, { timeoutMs: 60_000, message: 'sink start' });
    const port = Number(started[1]);
    await waitFor(async () => await status(port, '/readyz') === 200, { message: 'ready' });

    let check = await connect();
    for (const chunk of chunks.slice(0, 5)) await produce(topic, chunk);
    await waitFor(async () => Object.values(await storedOffsets(check, schema, 'pgdown')).some((o) => o > 0), { message: 'first commits' });
    await check.end();

    db.crash();
    const producing = (async () => { for (const chunk of chunks.slice(5)) await produce(topic, chunk); })();
    await waitFor(async () => await status(port, '/readyz') === 503, { message: 'not ready while Postgres is down' })
      .catch((error: unknown) => { throw new Error(`${(error as Error).message}\n${sink.output().slice(-3_000)}`); });
    await waitFor(() => sink.output().split('failed; retrying').length > 3, { message: 'several failed attempts' });
    expect(await status(port, '/healthz')).toBe(200);
    db.start();
    await producing;

    check = await connect();
    onTestFinished(async () => { await check.end(); });
    const ends = { 0: 20_000, 1: 20_000 };
    await waitFor(async () => JSON.stringify(await storedOffsets(check, schema, 'pgdown')) === JSON.stringify(ends),
      { timeoutMs: 120_000, message: 'offsets at the end' });
    await waitFor(async () => await status(port, '/readyz') === 200, { message: 'ready again' });
    expect(sink.child.exitCode).toBeNull();
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(Number(/^kalibra_sink_database_errors_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^kalibra_sink_records_total\{partition="1"\} \d+/m);
    sink.child.kill('SIGTERM');
    expect(await sink.exited).toBe(0);

    expect(rowDifferences(expectedRawRows(data), await actualRawRows(check, schema))).toEqual([]);
    expect(chainProblems(await offsetHistory(check, schema, 'pgdown'), ends)).toEqual([]);
  });
});
