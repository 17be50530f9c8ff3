import { describe, expect, it } from 'vitest';
import { dropAbortedRecords } from '../../../../topology/core/runtime/aborted-records.ts';
import type { FetchResponse } from '../../../../topology/core/runtime/aborted-records.ts';

const TRANSACTIONAL = 1 << 4;
const CONTROL = 1 << 5;

type Batch = NonNullable<FetchResponse['responses'][number]['partitions'][number]['records']>[number];

function data(producerId: bigint, offset: number, value: string, transactional = true): Batch {
  return {
    firstOffset: BigInt(offset), lastOffsetDelta: 0, producerId, attributes: transactional ? TRANSACTIONAL : 0,
    records: [{ key: null, value: Buffer.from(value), headers: [], offsetDelta: 0, timestampDelta: 0n, attributes: 0, length: 0 }],
  } as unknown as Batch;
}

function marker(producerId: bigint, offset: number, commit: boolean): Batch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  return {
    firstOffset: BigInt(offset), lastOffsetDelta: 0, producerId, attributes: TRANSACTIONAL | CONTROL,
    records: [{ key, value: Buffer.alloc(6), headers: [], offsetDelta: 0, timestampDelta: 0n, attributes: 0, length: 0 }],
  } as unknown as Batch;
}

function response(records: Batch[], aborted: [bigint, number][]): FetchResponse {
  return {
    responses: [{ topicId: 't', partitions: [{ partitionIndex: 0, records, abortedTransactions: aborted.map(([producerId, firstOffset]) => ({ producerId, firstOffset: BigInt(firstOffset) })) }] }],
  } as unknown as FetchResponse;
}

function values(r: FetchResponse): string[] {
  return r.responses[0]!.partitions[0]!.records!.filter((b) => (b.attributes & CONTROL) === 0).flatMap((b) => b.records.map((x) => x.value!.toString()));
}

describe('dropAbortedRecords', () => {
  it('drops every aborted transaction of one producer, not only the last one', () => {
    const r = response([
      data(7n, 0, 'c1'), marker(7n, 1, true),
      data(7n, 2, 'a1'), marker(7n, 3, false),
      data(7n, 4, 'a2'), marker(7n, 5, false),
      data(7n, 6, 'c2'), marker(7n, 7, true),
    ], [[7n, 2], [7n, 4]]);
    expect(values(dropAbortedRecords(r))).toEqual(['c1', 'c2']);
  });

  it('keeps committed records of other producers interleaved with an aborted transaction', () => {
    const r = response([data(1n, 0, 'a'), data(2n, 1, 'other'), data(1n, 2, 'a-more'), marker(1n, 3, false), data(3n, 4, 'plain', false)], [[1n, 0]]);
    expect(values(dropAbortedRecords(r))).toEqual(['other', 'plain']);
  });

  it('drops an aborted transaction whose abort marker is not in this response yet', () => {
    const r = response([data(1n, 10, 'c'), marker(1n, 11, true), data(1n, 12, 'a')], [[1n, 12]]);
    expect(values(dropAbortedRecords(r))).toEqual(['c']);
  });

  it('empties aborted batches instead of removing them, so the consumer still moves past their offsets', () => {
    const r = response([data(1n, 0, 'a'), marker(1n, 1, false)], [[1n, 0]]);
    dropAbortedRecords(r);
    const batches = r.responses[0]!.partitions[0]!.records!;
    expect(batches).toHaveLength(2);
    expect(batches[0]!.records).toEqual([]);
  });

  it('changes nothing when the response lists no aborted transactions', () => {
    const r = response([data(1n, 0, 'x'), marker(1n, 1, true)], []);
    expect(values(dropAbortedRecords(r))).toEqual(['x']);
  });
});
