import { describe, expect, it } from 'vitest';
import { rawMapping } from '../../../../../connectors/postgres/mappings/raw.ts';
import type { SourceRecord } from '../../../../../topology/core/task.ts';

function record(value: unknown, raw = false): SourceRecord & { value: Buffer } {
  return {
    topic: 'readings.raw', partition: 2, offset: 41n, timestamp: 0n, key: Buffer.from('k'), headers: new Map(),
    value: Buffer.from(raw ? String(value) : JSON.stringify(value)),
  };
}

const reading = { sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', value: 21.37, unit: 'celsius' };

describe('the raw mapping', () => {
  it('maps a reading to raw_readings columns with its partition and offset', () => {
    expect(rawMapping.toRow(record(reading))).toEqual(['sensor-001', '2026-11-29T04:38:12.123Z', 21.37, 'celsius', null, 2, '41']);
  });

  it('keeps unknown fields in extra', () => {
    expect(rawMapping.toRow(record({ ...reading, battery: 0.8, room: { floor: 1 } }))[4]).toBe('{"battery":0.8,"room":{"floor":1}}');
  });

  it('accepts ts as epoch milliseconds and as ISO-8601 with an offset, normalised to UTC', () => {
    expect(rawMapping.toRow(record({ ...reading, ts: 1795927092123 }))[1]).toBe('2026-11-29T04:38:12.123Z');
    expect(rawMapping.toRow(record({ ...reading, ts: '2026-11-29T05:38:12.123+01:00' }))[1]).toBe('2026-11-29T04:38:12.123Z');
  });

  it('treats a missing unit as null', () => {
    const { unit: _unit, ...withoutUnit } = reading;
    expect(rawMapping.toRow(record(withoutUnit))[3]).toBeNull();
  });

  it.each([
    ['a value that is not JSON', record('{"sensor_id":', true), 'RECORD_NOT_JSON'],
    ['a JSON array', record([1, 2]), 'RECORD_NOT_JSON'],
    ['a missing sensor_id', record({ ...reading, sensor_id: undefined }), 'RECORD_INVALID_FIELD'],
    ['an empty sensor_id', record({ ...reading, sensor_id: '' }), 'RECORD_INVALID_FIELD'],
    ['a value given as a string', record({ ...reading, value: '21.5' }), 'RECORD_INVALID_FIELD'],
    ['a missing value', record({ ...reading, value: null }), 'RECORD_INVALID_FIELD'],
    ['a ts without a zone', record({ ...reading, ts: '2026-11-29T04:38:12' }), 'RECORD_INVALID_FIELD'],
    ['a ts that is not a date', record({ ...reading, ts: 'yesterday' }), 'RECORD_INVALID_FIELD'],
    ['a ts beyond year 9999', record({ ...reading, ts: 8.64e15 }), 'RECORD_INVALID_FIELD'],
    ['a fractional epoch ts', record({ ...reading, ts: 1.5 }), 'RECORD_INVALID_FIELD'],
    ['a unit that is a number', record({ ...reading, unit: 5 }), 'RECORD_INVALID_FIELD'],
    ['a NUL character in sensor_id', record({ ...reading, sensor_id: 'a\u0000b' }), 'RECORD_UNSTORABLE'],
    ['a NUL character in unit', record({ ...reading, unit: 'c\u0000' }), 'RECORD_UNSTORABLE'],
    ['a NUL character in an extra field', record({ ...reading, note: 'x\u0000' }), 'RECORD_UNSTORABLE'],
    ['a NUL character in an extra field name', record({ ...reading, 'n\u0000': 1 }), 'RECORD_UNSTORABLE'],
    ['a NUL character nested in an extra field', record({ ...reading, room: { tags: ['a', 'b\u0000'] } }), 'RECORD_UNSTORABLE'],
    // JSON.parse turns the escape "\ud800" into a lone surrogate; jsonb refuses it (issue 16).
    ['a lone high surrogate escape in an extra field', record('{"sensor_id":"s","ts":0,"value":1,"note":"\\ud800"}', true), 'RECORD_UNSTORABLE'],
    ['a lone low surrogate escape in an extra field', record('{"sensor_id":"s","ts":0,"value":1,"note":"x\\udc00y"}', true), 'RECORD_UNSTORABLE'],
    ['a lone surrogate in an extra field name', record('{"sensor_id":"s","ts":0,"value":1,"\\ud800":1}', true), 'RECORD_UNSTORABLE'],
    ['a lone surrogate nested in an extra object', record('{"sensor_id":"s","ts":0,"value":1,"room":{"a":["\\udbff"]}}', true), 'RECORD_UNSTORABLE'],
    ['a value over 64 KiB', record({ ...reading, padding: 'x'.repeat(70_000) }), 'RECORD_TOO_LARGE'],
  ])('rejects %s', (_what, input, code) => {
    expect(() => rawMapping.toRow(input)).toThrow(expect.objectContaining({ code }));
  });

  it('keeps a surrogate pair (an emoji, escaped or not) in extra', () => {
    expect(rawMapping.toRow(record('{"sensor_id":"s","ts":0,"value":1,"a":"\\ud83d\\ude00","b":"😀"}', true))[4])
      .toBe('{"a":"😀","b":"😀"}');
  });

  it('names the field in the error', () => {
    expect(() => rawMapping.toRow(record({ ...reading, value: 'hot' }))).toThrow(/value must be a finite number, got "hot"/);
  });
});
