// Readiness probe for bin/dev-stack: the stack is up when a transactional produce to a
// scratch topic commits and Postgres answers a query. Retries until a deadline; never
// leaves the scratch topic behind.
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import pg from 'pg';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';
const deadline = Date.now() + Number(process.env.KALIBRA_STACK_TIMEOUT_MS ?? 120_000);

async function retry<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new Error(`${what} did not succeed before the deadline: ${reason}`, { cause: last });
}

async function transactionalProduce(): Promise<void> {
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

async function postgresAnswers(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select 1');
  } finally {
    await client.end();
  }
}

await retry('a transactional produce', transactionalProduce);
await retry('a Postgres query', postgresAnswers);
