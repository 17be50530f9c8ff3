import { describe, expect, it } from 'vitest';
import type { RuntimeMessage } from '../../../../topology/core/runtime/record-source.ts';
import { chunkBySize, TransactionBatch } from '../../../../topology/core/runtime/transaction-batch.ts';
import type { OutputRecord } from '../../../../topology/core/task.ts';

const record = (bytes: number): OutputRecord => ({ topic: 't', key: null, value: Buffer.alloc(bytes) });

describe('chunkBySize', () => {
  it('splits outputs so that no send exceeds the byte budget, keeping their order', () => {
    const outputs = [record(400), record(400), record(400), record(100)];
    const chunks = chunkBySize(outputs, 1_000);
    expect(chunks.map((c) => c.length)).toEqual([2, 2]);
    expect(chunks.flat()).toEqual(outputs);
  });

  it('sends a single record larger than the budget on its own, so the broker (not the runtime) refuses it', () => {
    expect(chunkBySize([record(10), record(5_000), record(10)], 1_000).map((c) => c.length)).toEqual([1, 1, 1]);
  });

  it('returns no chunk for no outputs', () => {
    expect(chunkBySize([], 1_000)).toEqual([]);
  });
});

describe('TransactionBatch.track', () => {
  const message = (topic: string, partition: number, offset: number): RuntimeMessage =>
    ({ topic, partition, offset: BigInt(offset) }) as unknown as RuntimeMessage;

  it('keeps the last record and the count of every partition, however their records interleave', () => {
    const batch = new TransactionBatch();
    const order: [string, number, number][] = [['a', 0, 1], ['a', 0, 2], ['a', 1, 7], ['b', 0, 3], ['a', 0, 3], ['a', 1, 8], ['a', 1, 9]];
    for (const [topic, partition, offset] of order) batch.track(message(topic, partition, offset));
    expect(batch.records).toBe(7);
    expect(batch.processedAt).toHaveLength(7);
    expect([...batch.lastByPartition].map(([key, last]) => [key, last.offset])).toEqual([['a:0', 3n], ['a:1', 9n], ['b:0', 3n]]);
    expect([...batch.countsByPartition]).toEqual([['a:0', 3], ['a:1', 3], ['b:0', 1]]);
  });

  it('lets a record tracked after the maps were read be filed on the next read', () => {
    const batch = new TransactionBatch();
    batch.track(message('a', 0, 1));
    expect(batch.lastByPartition.get('a:0')?.offset).toBe(1n);
    batch.track(message('a', 0, 2));
    expect(batch.lastByPartition.get('a:0')?.offset).toBe(2n);
    expect(batch.countsByPartition.get('a:0')).toBe(2);
  });
});
