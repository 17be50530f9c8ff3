// StreamsRuntime in-process against the real broker: read_committed consumption, the DLQ,
// refused outputs, the gate, clean shutdown, at_least_once. The kill-based exactly-once proofs
// are in exactly-once.test.ts.
import { Admin, Consumer, FetchIsolationLevels, Producer, stringSerializers } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeadLetterHeaders } from '../../../topology/core/dead-letter.ts';
import type { Gate } from '../../../topology/core/gate.ts';
import type { RuntimeMetrics } from '../../../topology/core/metrics.ts';
import { closeClient } from '../../../topology/core/runtime/kafka-errors.ts';
import type { StreamsRuntimeOptions } from '../../../topology/core/runtime/options.ts';
import { StreamsRuntime } from '../../../topology/core/runtime/streams-runtime.ts';
import type { KalibraError } from '../../../topology/core/errors.ts';
import type { SourceRecord, TaskFactory } from '../../../topology/core/task.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';
import { mapValues } from './fixtures/map-values.ts';

function runtime(options: Omit<StreamsRuntimeOptions, 'brokers' | 'applicationId' | 'instanceId'> & { applicationId?: string }): StreamsRuntime {
  const r = new StreamsRuntime({ brokers: brokers(), applicationId: uniqueName('app'), instanceId: 'i1', ...options });
  onTestFinished(() => r.stop());
  return r;
}

/** A task that forwards nothing and remembers every record it was given. */
function recording(topic: string): { factory: TaskFactory; seen: SourceRecord[] } {
  const seen: SourceRecord[] = [];
  return {
    seen,
    factory: { sourceTopics: [topic], sinkTopics: [], createTask: () => ({ process: (r) => { seen.push(r); }, punctuate: () => undefined, close: () => undefined }) },
  };
}

/** Every record on `topic` (read_committed, plain client: only used where aborted data cannot occur). */
async function readAll(topic: string, count: number): Promise<Message<Buffer, Buffer, Buffer, Buffer>[]> {
  const consumer = new Consumer({ clientId: uniqueName('check'), bootstrapBrokers: brokers(), groupId: uniqueName('check'), isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200 });
  onTestFinished(() => closeClient(consumer, true));
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  const messages: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  stream.on('data', (m: Message<Buffer, Buffer, Buffer, Buffer>) => messages.push(m));
  await waitFor(() => messages.length >= count, { timeoutMs: 60_000, message: `${count} records on ${topic}` });
  stream.destroy();
  return messages;
}

async function produce(topic: string, messages: { key: string; value: Buffer | string; headers?: Map<string, string> }[]): Promise<void> {
  const producer = new Producer({ clientId: uniqueName('input'), bootstrapBrokers: brokers(), serializers: { ...stringSerializers, value: (v?: Buffer | string) => (v === undefined ? undefined : Buffer.from(v)) } });
  try {
    await producer.send({ messages: messages.map((m) => ({ topic, ...m })) });
  } finally {
    await producer.close();
  }
}

function countingMetrics(): RuntimeMetrics & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const add = (name: string, n = 1): void => { counts.set(name, (counts.get(name) ?? 0) + n); };
  return {
    counts,
    recordsIn: (_t, _p, n) => add('in', n), recordsOut: (t, n) => add(`out:${t}`, n), deadLettered: (code, n) => add(`dlq:${code}`, n),
    transactionCommitted: () => add('committed'), transactionAborted: (reason) => add(`aborted:${reason}`),
    consumerLag: () => add('lag'), gateWait: () => add('gateWait'), replayRemaining: () => add('replayRemaining'), stateChanged: (s) => add(`state:${s}`),
  };
}

describe('StreamsRuntime', () => {
  it('never hands the task a record of an aborted transaction, even several aborted ones of one producer between committed ones', async () => {
    const topic = uniqueName('rt-aborted');
    await createTopics([topic]);
    const producer = new Producer({ clientId: uniqueName('tx'), bootstrapBrokers: brokers(), serializers: stringSerializers, idempotent: true, transactionalId: uniqueName('tx') });
    onTestFinished(() => closeClient(producer, true));
    const committed: string[] = [];
    const pattern = [true, false, false, true, false, true, false, false, false, true];
    for (const [i, commit] of pattern.entries()) {
      const tx = await producer.beginTransaction();
      const values = [0, 1, 2].map((j) => `${commit ? 'committed' : 'aborted'}-${i}-${j}`);
      await tx.send({ messages: values.map((value) => ({ topic, key: value, value })) });
      if (commit) { await tx.commit(); committed.push(...values); } else await tx.abort();
    }
    const { factory, seen } = recording(topic);
    const r = runtime({ taskFactory: factory });
    await r.start();
    await waitFor(() => seen.length >= committed.length, { message: 'the committed records' });
    await r.stop();
    expect(seen.map((s) => s.value?.toString())).toEqual(committed);
  });

  it('sends a poison record to the DLQ with its bytes, its headers and the kalibra.* headers, and keeps processing', async () => {
    const input = uniqueName('rt-poison-in');
    const output = uniqueName('rt-poison-out');
    const dlq = uniqueName('rt-poison-dlq');
    await createTopics([input, output, dlq]);
    const poison = Buffer.from([0xff, 0xfe, 0x7b, 0x00]);
    await produce(input, [
      { key: 'good-1', value: '{"id":1}' },
      { key: 'bad', value: poison, headers: new Map([['origin', 'sensor-gateway']]) },
      { key: 'good-2', value: '{"id":2}' },
    ]);
    const metrics = countingMetrics();
    const lags: number[] = [];
    const r = runtime({ taskFactory: mapValues(input, output), dlqTopic: dlq, lagIntervalMs: 200, metrics: { ...metrics, consumerLag: (_t, _p, lag) => lags.push(lag) } });
    await r.start();

    const [dead] = await readAll(dlq, 1);
    const outputs = await readAll(output, 2);
    expect(outputs.map((m) => m.key.toString())).toEqual(['good-1', 'good-2']);
    expect(dead!.key.toString()).toBe('bad');
    expect(dead!.value.equals(poison)).toBe(true);
    const headers = new Map([...dead!.headers].map(([k, v]) => [k.toString(), v.toString()]));
    expect(headers.get('origin')).toBe('sensor-gateway');
    expect(headers.get(DeadLetterHeaders.errorCode)).toBe('DESERIALIZATION_FAILED');
    expect(headers.get(DeadLetterHeaders.errorMessage)).toMatch(/.+/);
    expect(headers.get(DeadLetterHeaders.sourceTopic)).toBe(input);
    expect(headers.get(DeadLetterHeaders.sourcePartition)).toBe('0');
    expect(headers.get(DeadLetterHeaders.sourceOffset)).toBe('1');
    await waitFor(() => metrics.counts.get('dlq:DESERIALIZATION_FAILED') === 1, { message: 'the deadLettered metric' });
    expect(metrics.counts.get('in')).toBe(3);
    expect(metrics.counts.get(`out:${output}`)).toBe(2);
    await waitFor(() => lags.at(-1) === 0, { message: 'a consumer lag of 0 once everything is committed' });
    expect(r.state).toBe('running');
  });

  it('fails with PRODUCTION_FAILED, and commits nothing, when the broker refuses an output record as too large', async () => {
    const input = uniqueName('rt-large-in');
    const output = uniqueName('rt-large-out');
    await createTopics([input, output]);
    await produce(input, [{ key: 'k', value: '{}' }]);
    const huge = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const factory: TaskFactory = {
      sourceTopics: [input], sinkTopics: [output],
      createTask: (io) => ({ process: (r) => io.send({ topic: output, key: r.key, value: huge }), punctuate: () => undefined, close: () => undefined }),
    };
    const applicationId = uniqueName('app');
    const r = runtime({ taskFactory: factory, applicationId });
    const errors: KalibraError[] = [];
    r.on('error', (error) => errors.push(error));
    await r.start();
    expect(await r.done()).toBe('failed');
    expect(errors.map((e) => e.code)).toEqual(['PRODUCTION_FAILED']);
    const admin = new Admin({ clientId: uniqueName('check'), bootstrapBrokers: brokers() });
    onTestFinished(() => admin.close());
    const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: applicationId, topics: [{ name: input, partitionIndexes: [0] }] }] });
    expect(group?.topics[0]?.partitions[0]?.committedOffset ?? -1n).toBe(-1n);
  });

  it('processes a record only once the gate admits its offset, and reports the wait', async () => {
    const input = uniqueName('rt-gate-in');
    await createTopics([input]);
    await produce(input, [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `{"i":${i}}` })));
    let admitted = 2n;
    let notify: (() => void) | undefined;
    const gate: Gate = {
      admittedUpTo: () => admitted,
      changed: (signal) => new Promise((resolve) => { notify = resolve; signal.addEventListener('abort', () => resolve(), { once: true }); }),
    };
    const metrics = countingMetrics();
    const { factory, seen } = recording(input);
    const r = runtime({ taskFactory: factory, gate, metrics });
    await r.start();
    await waitFor(() => seen.length === 2 && (metrics.counts.get('gateWait') ?? 0) > 0, { message: 'the first two records and a gate wait' });
    expect(seen.map((s) => s.offset)).toEqual([0n, 1n]);
    admitted = 4n;
    notify?.();
    await waitFor(() => seen.length === 4, { message: 'the rest once admitted' });
    expect(seen.map((s) => s.offset)).toEqual([0n, 1n, 2n, 3n]);
  });

  it('stops cleanly: commits the open transaction, leaves the group and reports stopped', async () => {
    const input = uniqueName('rt-stop-in');
    const output = uniqueName('rt-stop-out');
    await createTopics([input, output]);
    await produce(input, [{ key: 'k', value: '{"id":1}' }]);
    const applicationId = uniqueName('app');
    const inner = mapValues(input, output);
    let processed = 0;
    const counted: TaskFactory = {
      ...inner,
      createTask: (io) => {
        const task = inner.createTask(io);
        return { ...task, process: (record) => { task.process(record); processed++; } };
      },
    };
    // A long commit interval: the record's transaction is still open when stop() is called.
    const r = runtime({ taskFactory: counted, applicationId, commitIntervalMs: 60_000 });
    const states: string[] = [];
    r.on('state', (s) => states.push(s));
    await r.start();
    await waitFor(() => processed === 1, { message: 'the record to be processed' });
    await r.stop();
    expect(states).toEqual(['starting', 'running', 'stopped']);
    expect((await readAll(output, 1)).map((m) => m.key.toString())).toEqual(['k']);
    const admin = new Admin({ clientId: uniqueName('check'), bootstrapBrokers: brokers() });
    onTestFinished(() => admin.close());
    const groups = await admin.describeGroups({ groups: [applicationId] });
    expect(groups.get(applicationId)?.members.size ?? 0).toBe(0);
  });

  it('under at_least_once produces the outputs and commits the offsets without transactions', async () => {
    const input = uniqueName('rt-alo-in');
    const output = uniqueName('rt-alo-out');
    await createTopics([input, output]);
    await produce(input, [1, 2, 3].map((i) => ({ key: `k${i}`, value: `{"id":${i}}` })));
    const applicationId = uniqueName('app');
    const r = runtime({ taskFactory: mapValues(input, output), applicationId, processingGuarantee: 'at_least_once' });
    expect(r.transactionalId).toBeUndefined();
    await r.start();
    expect((await readAll(output, 3)).map((m) => m.value.toString())).toEqual([1, 2, 3].map((i) => `{"id":${i},"mapped":true}`));
    await r.stop();
    const admin = new Admin({ clientId: uniqueName('check'), bootstrapBrokers: brokers() });
    onTestFinished(() => admin.close());
    const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: applicationId, topics: [{ name: input, partitionIndexes: [0] }] }] });
    expect(group?.topics[0]?.partitions[0]?.committedOffset).toBe(3n);
  });

  it('fails with FENCED, instead of fencing back, when another process starts with the same instanceId', async () => {
    const input = uniqueName('rt-dup-in');
    const output = uniqueName('rt-dup-out');
    await createTopics([input, output]);
    const applicationId = uniqueName('app');
    const first = runtime({ taskFactory: mapValues(input, output), applicationId });
    const errors: KalibraError[] = [];
    first.on('error', (error) => errors.push(error));
    await first.start();
    const second = runtime({ taskFactory: mapValues(input, output), applicationId });
    await second.start();
    expect(await first.done()).toBe('failed');
    expect(errors.map((e) => e.code)).toEqual(['FENCED']);
    expect(second.state).toBe('running');
    await produce(input, [{ key: 'k', value: '{"id":1}' }]);
    expect((await readAll(output, 1)).map((m) => m.key.toString())).toEqual(['k']);
  });
});
