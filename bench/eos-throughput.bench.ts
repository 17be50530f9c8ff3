// `npm run bench -- eos-throughput`: records/s of a ~200-byte JSON mapValues topology on the
// local broker, exactly_once against at_least_once and against a bare @platformatic/kafka
// consume → produce loop (the floor any runtime adds cost to), all in the same run.
// Writes its section of bench/RESULTS.md. Uses its own topics and deletes them.
import { randomBytes } from 'node:crypto';
import { Admin, Consumer, FetchIsolationLevels, Producer } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import type { ProcessingGuarantee, RuntimeMetrics, TaskFactory } from '../topology/index.ts';
import { noopMetrics, StreamsRuntime } from '../topology/index.ts';
import { machineLine, writeSection } from './results.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const PARTITIONS = 4;
const suffix = randomBytes(3).toString('hex');
const name = (what: string): string => `bench-eos-${what}-${suffix}`;

function value(id: number): Buffer {
  return Buffer.from(JSON.stringify({
    id, sensor_id: `sensor-${String(id % 97).padStart(3, '0')}`, ts: 1_764_000_000_000 + id, value: (id % 1000) / 10,
    unit: 'celsius', note: 'x'.repeat(92),
  }));
}

function mapValue(raw: Buffer | null | undefined): Buffer {
  return Buffer.from(JSON.stringify({ ...(JSON.parse(raw?.toString() ?? 'null') as Record<string, unknown>), mapped: true }));
}

function mapValues(input: string, output: string): TaskFactory {
  return {
    sourceTopics: [input], sinkTopics: [output],
    createTask: (io) => ({
      process: (record) => io.send({ topic: output, key: record.key, value: mapValue(record.value) }),
      punctuate: () => undefined, close: () => undefined,
    }),
  };
}

async function fillInput(topic: string): Promise<void> {
  const producer = new Producer({ clientId: name('fill'), bootstrapBrokers: brokers });
  for (let start = 0; start < RECORDS; start += 2_000) {
    const messages = [];
    for (let id = start; id < Math.min(RECORDS, start + 2_000); id++) messages.push({ topic, key: Buffer.from(`r-${id}`), value: value(id) });
    await producer.send({ messages });
  }
  await producer.close();
}

interface Result {
  label: string;
  seconds: number;
  transactions?: number;
  p50?: number;
  p99?: number;
}

async function runRuntime(label: string, guarantee: ProcessingGuarantee, input: string, commitMaxRecords: number): Promise<Result> {
  const latencies: number[] = [];
  let committed = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const metrics: RuntimeMetrics = {
    ...noopMetrics,
    transactionCommitted: (ms) => { latencies.push(ms); },
    recordsIn: (_topic, _partition, count) => { committed += count; if (committed >= RECORDS) resolveDone(); },
  };
  const output = name(`out-${label.replace(/\W+/g, '-')}`);
  await createTopics([output]);
  const runtime = new StreamsRuntime({
    brokers, applicationId: name(`app-${guarantee}-${commitMaxRecords}`), instanceId: 'bench',
    taskFactory: mapValues(input, output), processingGuarantee: guarantee, commitMaxRecords, metrics,
  });
  const started = performance.now();
  await runtime.start();
  await done;
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  await deleteTopics([output]);
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { label, seconds, transactions: latencies.length, p50: at(0.5), p99: at(0.99) };
}

/** The floor: consume, map, produce in batches of up to 1,000 records (or what a fetch delivered); no offsets committed. */
async function runBareLoop(input: string): Promise<Result> {
  const output = name('out-bare');
  await createTopics([output]);
  const consumer = new Consumer({ clientId: name('bare'), groupId: name('bare'), bootstrapBrokers: brokers, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 100 });
  const producer = new Producer({ clientId: name('bare'), bootstrapBrokers: brokers, idempotent: true });
  const started = performance.now();
  const stream = await consumer.consume({ topics: [input], mode: 'earliest', autocommit: false });
  let pending: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  let produced = 0;
  let sending = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    const flush = (): void => {
      const batch = pending;
      pending = [];
      sending = sending.then(async () => {
        await producer.send({ messages: batch.map((m) => ({ topic: output, key: m.key, value: mapValue(m.value) })) });
        produced += batch.length;
        if (produced >= RECORDS) resolve();
      }).catch(reject);
    };
    stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
      pending.push(message);
      if (pending.length >= 1_000) flush();
    });
    stream.on('fetch', () => { if (pending.length > 0) flush(); });
  });
  const seconds = (performance.now() - started) / 1000;
  await stream.close();
  await consumer.close();
  await producer.close();
  await deleteTopics([output]);
  return { label: 'bare consume → produce loop (no offsets, no transactions)', seconds };
}

async function createTopics(topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: name('admin'), bootstrapBrokers: brokers });
  await admin.createTopics({ topics, partitions: PARTITIONS, replicas: 1 });
  await admin.close();
}

async function deleteTopics(topics: string[]): Promise<void> {
  const admin = new Admin({ clientId: name('admin'), bootstrapBrokers: brokers });
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.close();
}

const input = name('in');
await createTopics([input]);
try {
  await fillInput(input);
  const results: Result[] = [];
  results.push(await runBareLoop(input));
  results.push(await runRuntime('StreamsRuntime at_least_once (defaults: commit every 100 ms or 2,000 records)', 'at_least_once', input, 2_000));
  results.push(await runRuntime('StreamsRuntime exactly_once (defaults: commit every 100 ms or 2,000 records)', 'exactly_once', input, 2_000));
  results.push(await runRuntime('StreamsRuntime exactly_once, at most 200 records per transaction', 'exactly_once', input, 200));
  const baseline = results[0]!.seconds;
  const rows = results.map((r) => {
    const rate = Math.round(RECORDS / r.seconds).toLocaleString('en-US');
    const tx = r.transactions === undefined ? '–' : `${r.transactions} (p50 ${r.p50!.toFixed(0)} ms, p99 ${r.p99!.toFixed(0)} ms)`;
    return `| ${r.label} | ${rate} | ${(baseline / r.seconds * 100).toFixed(0)} % | ${tx} |`;
  });
  const markdown = [
    '## eos-throughput',
    '',
    `${RECORDS.toLocaleString('en-US')} records of ~200-byte JSON, ${PARTITIONS} partitions, a mapValues topology (parse, add a field, re-serialise),`,
    'one instance, local single-node Kafka 4.3.1, the input fully written before each run starts (a backlog, so batches fill up).',
    'Time from start() to the last input offset committed (bare loop: to the last output acknowledged). One run each, same process, in table order.',
    '',
    `Machine: ${await machineLine()}`,
    '',
    '| run | records/s | of bare loop | transactions / commits (commit latency) |',
    '|---|---:|---:|---|',
    ...rows,
  ].join('\n');
  writeSection('eos-throughput', markdown);
  process.stdout.write(`${markdown}\n`);
} finally {
  await deleteTopics([input]);
}
