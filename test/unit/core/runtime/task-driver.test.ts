import { describe, expect, it } from 'vitest';
import { DeadLetterHeaders } from '../../../../topology/core/dead-letter.ts';
import { CoreError } from '../../../../topology/core/errors.ts';
import { resolveOptions } from '../../../../topology/core/runtime/options.ts';
import type { StreamsRuntimeOptions } from '../../../../topology/core/runtime/options.ts';
import type { RuntimeMessage } from '../../../../topology/core/runtime/record-source.ts';
import { TaskDriver } from '../../../../topology/core/runtime/task-driver.ts';
import { TransactionBatch } from '../../../../topology/core/runtime/transaction-batch.ts';
import type { TaskFactory, TaskIO } from '../../../../topology/core/task.ts';

function message(offset: number, value: string): RuntimeMessage {
  return {
    topic: 'in', partition: 2, offset: BigInt(offset), timestamp: 1_000n + BigInt(offset), key: Buffer.from(`k${offset}`),
    value: Buffer.from(value), headers: new Map([['trace', Buffer.from('t1')]]), headerEntries: [['trace', Buffer.from('t1')]], leaderEpoch: 0,
    metadata: {}, commit: () => undefined, toJSON: () => ({}) as never,
  };
}

/** Emits the value upper-cased, twice; "boom" throws after the first output; "bad" is dead-lettered. */
const factory: TaskFactory = {
  sourceTopics: ['in'], sinkTopics: ['out'],
  createTask: (io: TaskIO) => ({
    process(record) {
      const value = record.value!.toString();
      if (value === 'bad') { io.deadLetter(record, new CoreError('VALIDATION_FAILED', 'bad value')); return; }
      io.send({ topic: 'out', key: record.key, value: Buffer.from(value.toUpperCase()) });
      if (value === 'boom') throw new RangeError('exploded');
      io.send({ topic: 'out', key: record.key, value: Buffer.from(value.toUpperCase()) });
    },
    punctuate: () => undefined,
    close: () => undefined,
  }),
};

function driver(extra: Partial<StreamsRuntimeOptions> = {}): { driver: TaskDriver; batch: TransactionBatch } {
  const batch = new TransactionBatch();
  const options = resolveOptions({ brokers: ['b:9092'], applicationId: 'app', instanceId: 'i', taskFactory: factory, dlqTopic: 'dlq', ...extra });
  return { driver: new TaskDriver(options, batch), batch };
}

describe('TaskDriver', () => {
  it('collects outputs with the source timestamp and remembers the last record per partition', () => {
    const { driver: d, batch } = driver();
    d.process(message(5, 'a'), batch);
    d.process(message(6, 'b'), batch);
    expect(batch.outputs.map((o) => o.value?.toString())).toEqual(['A', 'A', 'B', 'B']);
    expect(batch.outputs[0]!.timestamp).toBe(1_005n);
    expect(batch.lastByPartition.get('in:2')?.offset).toBe(6n);
    expect(batch.records).toBe(2);
  });

  it('dead-letters a record the task reports, with the kalibra.* headers and the original headers', () => {
    const { driver: d, batch } = driver();
    d.process(message(7, 'bad'), batch);
    const [dead] = batch.outputs;
    expect(dead!.topic).toBe('dlq');
    expect(dead!.value?.toString()).toBe('bad');
    expect(dead!.headers?.get(DeadLetterHeaders.errorCode)?.toString()).toBe('VALIDATION_FAILED');
    expect(dead!.headers?.get('trace')?.toString()).toBe('t1');
    expect(batch.deadLettered.get('VALIDATION_FAILED')).toBe(1);
    expect(batch.lastByPartition.get('in:2')?.offset).toBe(7n);
  });

  it('drops the partial outputs of a record whose processor throws and dead-letters it as PROCESSING_FAILED', () => {
    const { driver: d, batch } = driver();
    d.process(message(1, 'ok'), batch);
    d.process(message(2, 'boom'), batch);
    expect(batch.outputs.map((o) => `${o.topic}:${o.value?.toString()}`)).toEqual(['out:OK', 'out:OK', 'dlq:boom']);
    expect(batch.outputs[2]!.headers?.get(DeadLetterHeaders.errorMessage)?.toString()).toContain('exploded');
  });

  it('throws the record\'s own error, as fatal, when the handler chooses to fail', () => {
    const { driver: d, batch } = driver({ onError: () => 'fail' });
    let thrown: unknown;
    try { d.process(message(3, 'bad'), batch); } catch (error) { thrown = error; }
    expect(d.isFatal(thrown)).toBe(true);
    expect((thrown as CoreError).code).toBe('VALIDATION_FAILED');
  });

  it('fails, naming the option, when a record is dead-lettered without a dlqTopic', () => {
    const { driver: d, batch } = driver({ dlqTopic: undefined });
    let thrown: unknown;
    try { d.process(message(3, 'bad'), batch); } catch (error) { thrown = error; }
    expect(d.isFatal(thrown)).toBe(true);
    expect((thrown as CoreError).message).toContain("'dlqTopic'");
  });
});
