// One contender of bench/eos-throughput.bench.ts, run in its own process so that no contender's
// JIT state, heap or connections help or hurt another: `kalibra` (StreamsRuntime, exactly_once,
// defaults) or `bare` (the limit: @platformatic/kafka consume → map → produce → commit offsets,
// no transactions, no back-pressure beyond one send in flight). It runs until SIGTERM; the bench
// times it from outside by polling the group's committed offsets. Usage (environment):
// BENCH_KIND=kalibra|bare BENCH_INPUT BENCH_OUTPUT BENCH_GROUP [KAFKA_BROKERS]
import { Consumer, FetchIsolationLevels, Producer } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import type { TaskFactory } from '../topology/index.ts';
import { StreamsRuntime } from '../topology/index.ts';

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
 * flight. Not exactly-once: nothing ties the offsets to the outputs.
 */
async function runBare(): Promise<void> {
  const consumer = new Consumer({ clientId: group, groupId: group, bootstrapBrokers: brokers, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 100, autocommit: false });
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

if (kind === 'kalibra') await runKalibra();
else if (kind === 'bare') await runBare();
else {
  process.stderr.write(`eos-contender: BENCH_KIND must be kalibra or bare, not ${String(kind)}\n`);
  process.exit(2);
}
