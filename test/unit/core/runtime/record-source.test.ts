import { describe, expect, it } from 'vitest';
import { sourceDeserializers, toSourceRecord } from '../../../../topology/core/runtime/record-source.ts';
import type { RuntimeMessage } from '../../../../topology/core/runtime/record-source.ts';

function message(fields: Partial<RuntimeMessage>): RuntimeMessage {
  return {
    topic: 'in', partition: 1, offset: 7n, timestamp: 1_000n, key: Buffer.from('k'), value: Buffer.from('v'),
    headers: new Map([['trace', Buffer.from('t1')]]), headerEntries: [['trace', Buffer.from('t1')]], leaderEpoch: -1,
    metadata: {}, commit: () => undefined, toJSON: () => ({}) as never,
    ...fields,
  };
}

describe('toSourceRecord (the one place a consumed message becomes a SourceRecord)', () => {
  it('keeps position, timestamp, bytes and headers', () => {
    const record = toSourceRecord(message({}));
    expect(record).toEqual({
      topic: 'in', partition: 1, offset: 7n, timestamp: 1_000n, key: Buffer.from('k'), value: Buffer.from('v'),
      headers: new Map([['trace', Buffer.from('t1')]]),
    });
  });

  it('turns a missing key or value (the client hands out undefined) into null: a null value is a tombstone', () => {
    const record = toSourceRecord(message({ key: undefined, value: undefined }));
    expect([record.key, record.value]).toEqual([null, null]);
  });

  it('reads header names as strings through the consumer deserializer it goes with', () => {
    expect(sourceDeserializers.headerKey(Buffer.from('kalibra.error.code'))).toBe('kalibra.error.code');
    expect(sourceDeserializers.headerKey(undefined)).toBeUndefined();
  });
});
