import { createRecordsBatch, Reader, readRecordsBatch } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { contiguousResponse } from '../../../topology/core/client-workarounds.ts';

const RECORDS = 8_000;
const CHUNK = 64 * 1024;

/** A records batch as the socket delivers it: in 64 KiB chunks. */
function chunkedBatch(): Reader {
  const messages = Array.from({ length: RECORDS }, (_, i) => ({
    topic: 't', partition: 0, key: Buffer.from(`k-${i}`), value: Buffer.from(JSON.stringify({ i, note: 'x'.repeat(180) })),
    headers: new Map([[Buffer.from('h'), Buffer.from(String(i))]]), timestamp: 1_764_000_000_000n + BigInt(i),
  }));
  const whole = createRecordsBatch(messages).buffer;
  const reader = Reader.from(whole.subarray(0, CHUNK));
  for (let at = CHUNK; at < whole.length; at += CHUNK) reader.buffer.append(whole.subarray(at, at + CHUNK));
  reader.length = reader.buffer.length;
  return reader;
}

/** Counts how often decoding looks a chunk up in the reader's chunk list. */
function countChunkLookups(reader: Reader): { lookups: () => number } {
  let lookups = 0;
  reader.buffer.buffers = new Proxy(reader.buffer.buffers, {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) lookups++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { lookups: () => lookups };
}

describe('contiguousResponse (client-workarounds.ts): Fetch responses decoded from one buffer', () => {
  it('decodes a response that arrived in many chunks walking the chunk list for every read (the client problem)', () => {
    const reader = chunkedBatch();
    expect(reader.buffer.buffers.length).toBeGreaterThan(5);
    const counter = countChunkLookups(reader);
    readRecordsBatch(reader);
    // Each of the ~8 reads per record walks from the first chunk to its own (~28 chunks here):
    // O(records × chunks).
    // When this starts failing, the client finds offsets directly: drop contiguousFetchResponses.
    expect(counter.lookups()).toBeGreaterThan(RECORDS * 100);
  });

  it('decodes the same records from one buffer with a constant number of lookups per record', () => {
    const plain = readRecordsBatch(chunkedBatch());
    const flat = contiguousResponse(chunkedBatch());
    expect(flat.buffer.buffers.length).toBe(1);
    const counter = countChunkLookups(flat);
    const decoded = readRecordsBatch(flat);
    // A constant number of lookups per record, whatever the response size.
    expect(counter.lookups()).toBeLessThan(RECORDS * 40);
    expect(decoded.records).toHaveLength(RECORDS);
    const text = (records: typeof plain.records): unknown[] =>
      records.map((r) => [r.key?.toString(), r.value?.toString(), r.headers.map(([k, v]) => `${k?.toString()}=${v?.toString()}`)]);
    expect(text(decoded.records)).toEqual(text(plain.records));
  });
});
