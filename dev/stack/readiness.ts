// When the stack is ready: Postgres answers (and has the database), and a transactional
// produce to a scratch topic commits. Each retries until a deadline; the scratch topic is
// never left behind. Imported lazily by the command (the Kafka client takes seconds to load),
// so `status`, `env` and `--help` stay quick.
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import pg from 'pg';
import { reasonOf } from './output.ts';

/** Waits (by condition, with a deadline) until the server answers, then creates the database if missing. */
export async function ensureDatabase(serverUrl: string, database: string, timeoutMs: number): Promise<'created' | 'exists'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: serverUrl });
    try {
      await client.connect();
      const found = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (found.rowCount) return 'exists';
      await client.query(`create database ${pg.escapeIdentifier(database)}`);
      return 'created';
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`Postgres at ${redact(serverUrl)} did not answer within ${timeoutMs} ms: ${reasonOf(error)}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<DATABASE_URL>';
  }
}

async function retry<T>(what: string, deadline: number, attempt: () => Promise<T>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`${what} did not succeed before the deadline: ${reasonOf(last)}`, { cause: last });
}

async function transactionalProduce(brokers: string[]): Promise<void> {
  const topic = `kalibra-stack-check-${process.pid}`;
  const admin = new Admin({ clientId: 'kalibra-stack-check', bootstrapBrokers: brokers, retries: 0 });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const producer = new Producer({
      clientId: 'kalibra-stack-check', bootstrapBrokers: brokers, serializers: stringSerializers,
      idempotent: true, transactionalId: `kalibra-stack-check-${process.pid}`,
    });
    try {
      const tx = await producer.beginTransaction();
      await tx.send({ messages: [{ topic, key: 'k', value: 'ready' }] });
      await tx.commit();
    } finally {
      await producer.close();
    }
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close();
  }
}

async function postgresQuery(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select 1');
  } finally {
    await client.end();
  }
}

/** Resolves when a transactional produce commits and then Postgres answers a query; rejects at the deadline. */
export async function waitForStack(options: { brokers: string[]; databaseUrl: string; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  await retry('a transactional produce', deadline, () => transactionalProduce(options.brokers));
  await retry('a Postgres query', deadline, () => postgresQuery(options.databaseUrl));
}
