// The sink's dead letters are exactly once across crashes (issue 16): a sink child process is
// SIGKILLed again and again while bad records keep arriving among good ones, and restarted
// each time. Then Apache Kafka's own console consumer (read_committed, no code shared with
// Kalibra) reads the DLQ topic: every bad record must be there exactly once.
import { Consumer, FetchIsolationLevels, ProduceAcks, Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import type pg from 'pg';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import { readCommittedWithJava } from '../../../../dev/verify/console-consumer.ts';
import { readings, sinkSchema, spawnSink, storedOffsets } from '../../../helpers/sink-fixtures.ts';
import type { Reading } from '../../../helpers/sink-fixtures.ts';
import { brokers, createTopics, kafkaLibs, pgClient, uniqueName, waitFor } from '../../../helpers/stack.ts';

const PARTITIONS = 3;
const KILLS = 12;
const RECORDS = 24_000; // more than twelve short lives drain even on an idle machine: every kill lands before the end
const PADDING = 'x'.repeat(500);

/** Two records in three are not JSON, each unique: `bad-<n>-xxx…`. */
function workload(): { all: Reading[]; bad: string[] } {
  const all = readings(RECORDS, { sensors: 30, partitions: PARTITIONS }).map((r, i) =>
    (i % 3 === 0 ? r : { ...r, value: `bad-${i}-${PADDING}` }));
  return { all, bad: all.filter((r) => r.value?.startsWith('bad-')).map((r) => r.value!) };
}

/**
 * Makes Postgres slow to commit what moves between Kafka and Postgres: the batch's offsets
 * and, where the table exists, the mark of published dead letters. A deferred constraint
 * trigger sleeps at COMMIT, and each kill also ends the sink's database sessions, so a kill
 * most likely lands after Kafka has the dead letters and before Postgres has the commit: the
 * window in which a duplicate would be made (without the sleep it is a few microseconds).
 */
async function slowCommits(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`
    CREATE FUNCTION "${schema}".slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('kalibra_test.slept', true) IS DISTINCT FROM 'yes' THEN -- once per transaction
        PERFORM set_config('kalibra_test.slept', 'yes', true);
        PERFORM pg_sleep(0.1);
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT OR UPDATE ON "${schema}".kalibra_sink_offsets
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "${schema}".slow_commit();
    DO $$ BEGIN
      IF to_regclass('"${schema}".kalibra_dead_letters') IS NOT NULL THEN
        CREATE CONSTRAINT TRIGGER slow_commit AFTER UPDATE ON "${schema}".kalibra_dead_letters
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "${schema}".slow_commit();
      END IF;
    END $$;`);
}

/** The distinct values on a topic, read read_committed from the beginning, kept current until the test ends. */
async function watchValues(topic: string): Promise<Set<string>> {
  const consumer = new Consumer({
    groupId: uniqueName('dlq-watch'), clientId: uniqueName('dlq-watch'), bootstrapBrokers: brokers(),
    isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  onTestFinished(async () => { await stream.close(); await consumer.close(); });
  const values = new Set<string>();
  stream.on('data', (m) => { values.add(m.value?.toString() ?? ''); });
  return values;
}

describe('the Postgres sink\'s dead letters under SIGKILL', () => {
  it('are in the DLQ exactly once, read read_committed by Kafka\'s console consumer', async () => {
    const topic = uniqueName('dlq-crash-raw');
    const dlq = uniqueName('dlq-crash-dlq');
    await createTopics([topic], { partitions: PARTITIONS });
    await createTopics([dlq], { partitions: 2 });
    const schema = sinkSchema();
    const client = await pgClient();
    await migrate(client, schema);
    await slowCommits(client, schema);
    const connector = 'dlq-crash-sink';
    const appName = uniqueName('dlq-crash-sink');
    const env = {
      KALIBRA_SINK_SCHEMA: schema, KALIBRA_TOPIC_RAW: topic, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_SINK_CONNECTOR: connector,
      KALIBRA_GROUP_ID: uniqueName('dlq-crash-group'), KALIBRA_INSTANCE_ID: 'dlq-crash-sink-0', KALIBRA_SINK_BATCH_SIZE: '100',
      KALIBRA_SINK_SESSION_TIMEOUT: '6s', KALIBRA_LOG_LEVEL: 'info', PGAPPNAME: appName,
    };
    const { all, bad } = workload();
    const libs = kafkaLibs(); // fetched before the clock matters

    // A backlog larger than the sink's lives can drain: every kill lands while batches, and
    // the dead letters they carry, are in flight (small batches: many commits per second).
    const producer = new Producer({ clientId: uniqueName('dlq-crash-producer'), bootstrapBrokers: brokers(), acks: ProduceAcks.ALL, idempotent: true });
    try {
      for (let i = 0; i < all.length; i += 200) {
        await producer.send({ messages: all.slice(i, i + 200).map((r) => ({
          topic, partition: r.partition, key: Buffer.from(r.key), value: Buffer.from(r.value!),
        })) });
      }
    } finally {
      await producer.close();
    }
    const killedAt: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const sink = spawnSink(['--mapping', 'raw'], env);
      await waitFor(() => sink.output().includes('"msg":"started"'), { timeoutMs: 60_000, message: `sink ${kill} to start` });
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(Math.random() * 1_300)));
      sink.child.kill('SIGKILL');
      // The process is gone; its database sessions die with it before the slow COMMIT they may be in completes.
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName]);
      await sink.exited;
      killedAt.push(Object.values(await storedOffsets(client, schema, connector)).reduce((a, b) => a + b, 0));
    }

    const ends: Record<number, number> = {};
    for (const record of all) ends[record.partition] = (ends[record.partition] ?? 0) + 1;
    await client.query(`DROP FUNCTION "${schema}".slow_commit() CASCADE`); // the last life drains at full speed
    const last = spawnSink(['--mapping', 'raw'], env);
    await waitFor(() => last.output().includes('"msg":"started"'), { timeoutMs: 60_000, message: 'the last sink to start' });
    await waitFor(async () => JSON.stringify(await storedOffsets(client, schema, connector)) === JSON.stringify(ends),
      { timeoutMs: 120_000, message: `offsets ${JSON.stringify(ends)}` });
    // Published: every bad record visible to a read_committed reader (at least once; the count below says how often).
    const published = await watchValues(dlq);
    await waitFor(() => published.size >= bad.length, { timeoutMs: 60_000, message: `${bad.length} distinct dead letters` });
    last.child.kill('SIGTERM');
    expect(await last.exited, last.output().slice(-2_000)).toBe(0);
    // The kills landed at different points of progress, all before the end.
    expect(new Set(killedAt).size, `progress at each kill: ${killedAt.join(', ')}`).toBeGreaterThan(KILLS / 2);
    expect(Math.max(...killedAt), `progress at each kill: ${killedAt.join(', ')}`).toBeLessThan(RECORDS);

    const seen = await readCommittedWithJava({ brokers: brokers().join(','), topic: dlq, libsDir: libs, idleTimeoutMs: 8_000 });
    const counts = new Map<string, number>();
    for (const { value } of seen) counts.set(value, (counts.get(value) ?? 0) + 1);
    const short = (value: string): string => value.slice(0, 12);
    const twice = [...counts].filter(([, n]) => n > 1).map(([value, n]) => `${short(value)} ×${n}`);
    const missing = bad.filter((value) => !counts.has(value)).map(short);
    expect({ twice: twice.slice(0, 10), duplicates: twice.length, missing: missing.slice(0, 10), missingCount: missing.length })
      .toEqual({ twice: [], duplicates: 0, missing: [], missingCount: 0 });
    expect(seen.length).toBe(bad.length);
  }, 300_000);
});
