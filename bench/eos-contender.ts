// One contender of bench/eos-throughput.bench.ts, run in its own process so that no contender's
// JIT state, heap or connections help or hurt another: `kalibra` (StreamsRuntime, exactly_once,
// defaults), `bare` (the limit: @platformatic/kafka consume → map → produce → commit offsets, no
// transactions) or `bare-confluent` (the same loop on @confluentinc/kafka-javascript, which is not
// a dependency: it needs a native build, so BENCH_CONFLUENT_MODULE names a built copy). It runs
// until SIGTERM; the bench times it from outside by polling the group's committed offsets.
// Usage (environment): BENCH_KIND BENCH_INPUT BENCH_OUTPUT BENCH_GROUP [KAFKA_BROKERS]
import { createRequire } from 'node:module';
import { Consumer, FetchIsolationLevels, Producer } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import type { TaskFactory } from '../topology/index.ts';
import { contiguousFetchResponses, StreamsRuntime } from '../topology/index.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kind = process.env.BENCH_KIND;
const input = process.env.BENCH_INPUT!;
const output = process.env.BENCH_OUTPUT!;
const group = process.env.BENCH_GROUP!;

/** The transform every contender runs (Kafka Streams' is the same in KafkaStreamsEos.java). */
export function mapValue(raw: Buffer | null | undefined): Buffer {
  return Buffer.from(JSON.stringify({ ...(JSON.parse(raw?.toString() ?? 'null') as Record<string, unknown>), mapped: true }));
}

function mapValues(): TaskFactory {
  return {
    sourceTopics: [input], sinkTopics: [output],
    createTask: (io) => ({
      process: (record) => { io.send({ topic: output, key: record.key, value: mapValue(record.value) }); },
      punctuate: () => undefined, close: () => undefined,
    }),
  };
}

async function runKalibra(): Promise<void> {
  const runtime = new StreamsRuntime({ brokers, applicationId: group, instanceId: 'bench', taskFactory: mapValues(), handleSignals: true });
  await runtime.start();
  await runtime.done();
  process.exit(0);
}

/**
 * The limit any runtime adds cost to: fetch, map, produce (idempotent, acks all) the records of
 * each fetch, then commit their offsets; the next fetch's records are mapped while a send is in
 * flight. Not exactly-once: nothing ties the offsets to the outputs. The consumer has the
 * runtime's client settings (contiguousFetchResponses, 1 MiB fetches), so the loop is the limit
 * of the client as the runtime uses it.
 */
async function runBare(): Promise<void> {
  // The same client settings as the runtime's consumer: its Fetch workaround and its fetch size.
  const consumer = contiguousFetchResponses(new Consumer({
    clientId: group, groupId: group, bootstrapBrokers: brokers, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 100, autocommit: false,
    maxBytes: 2 ** 20, maxBytesPerPartition: 2 ** 20,
  }));
  const producer = new Producer({ clientId: group, bootstrapBrokers: brokers, idempotent: true });
  const stream = await consumer.consume({ topics: [input], mode: 'committed', fallbackMode: 'earliest', autocommit: false, highWaterMark: 4_096 });
  let pending: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  let sending: Promise<void> = Promise.resolve();
  let inFlight = 0;
  const flush = (): void => {
    const batch = pending;
    pending = [];
    inFlight += batch.length;
    const messages = batch.map((m) => ({ topic: output, key: m.key, value: mapValue(m.value) }));
    if (inFlight > 8_192) stream.pause();
    sending = sending.then(async () => {
      await producer.send({ messages });
      const last = new Map<number, Message<Buffer, Buffer, Buffer, Buffer>>();
      for (const m of batch) last.set(m.partition, m);
      await consumer.commit({ offsets: [...last.values()].map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: 0 })) });
      inFlight -= batch.length;
      if (stream.isPaused() && inFlight <= 4_096) stream.resume();
    });
    sending.catch((error: unknown) => { process.stderr.write(`bare loop failed: ${String(error)}\n`); process.exit(1); });
  };
  stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
    pending.push(message);
    if (pending.length >= 2_000) flush();
  });
  stream.on('fetch', () => { if (pending.length > 0) flush(); });
  await new Promise<void>((resolve) => { process.once('SIGTERM', resolve); });
  await sending.catch(() => undefined);
  await stream.close();
  await Promise.all([consumer.close(), producer.close()]);
  process.exit(0);
}

interface ConfluentMessage { key: Buffer | null; value: Buffer | null; offset: string }
interface ConfluentBatch { topic: string; partition: number; messages: ConfluentMessage[] }
interface ConfluentKafka {
  consumer(config: object): {
    connect(): Promise<void>; disconnect(): Promise<void>; subscribe(options: { topics: string[] }): Promise<void>;
    run(options: { eachBatch: (payload: { batch: ConfluentBatch }) => Promise<void> }): Promise<void>;
    commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  };
  producer(config: object): { connect(): Promise<void>; disconnect(): Promise<void>; send(record: { topic: string; messages: { key: Buffer | null; value: Buffer }[] }): Promise<unknown> };
}

/** The same loop on @confluentinc/kafka-javascript (librdkafka), through its KafkaJS-style API. */
async function runBareConfluent(): Promise<void> {
  const module = process.env.BENCH_CONFLUENT_MODULE;
  if (module === undefined) throw new TypeError('BENCH_CONFLUENT_MODULE must name a built @confluentinc/kafka-javascript');
  const { KafkaJS } = createRequire(import.meta.url)(module) as { KafkaJS: { Kafka: new (config: object) => ConfluentKafka } };
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers, logLevel: 1 } });
  const consumer = kafka.consumer({
    kafkaJS: { groupId: group, fromBeginning: true, autoCommit: false },
    'isolation.level': 'read_committed', 'js.consumer.max.batch.size': 2_000,
  });
  const producer = kafka.producer({ kafkaJS: { idempotent: true }, 'linger.ms': 5 });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [input] });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (batch.messages.length === 0) return;
      await producer.send({ topic: output, messages: batch.messages.map((m) => ({ key: m.key, value: mapValue(m.value) })) });
      const last = batch.messages[batch.messages.length - 1]!;
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }]);
    },
  });
  await new Promise<void>((resolve) => { process.once('SIGTERM', resolve); });
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  process.exit(0);
}

if (kind === 'kalibra') await runKalibra();
else if (kind === 'bare') await runBare();
else if (kind === 'bare-confluent') await runBareConfluent();
else {
  process.stderr.write(`eos-contender: BENCH_KIND must be kalibra, bare or bare-confluent, not ${String(kind)}\n`);
  process.exit(2);
}
