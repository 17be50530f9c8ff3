import { describe, expect, it } from 'vitest';
import { chunkBySize } from '../../../../topology/core/runtime/transaction-batch.ts';
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
