import { describe, expect, it } from 'vitest';
import type { ReadingErrorCode } from '../../../calibration/errors.ts';
import { parseRawReading } from '../../../calibration/raw-reading.ts';

const NOW = Date.parse('2026-11-29T04:38:12.123Z');
const TS = Date.parse('2026-11-29T04:38:12.123Z');

function codeOf(value: string | Buffer, key?: string | null): ReadingErrorCode | 'ok' {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const options = key === undefined ? { now: NOW } : { now: NOW, key: key === null ? null : Buffer.from(key) };
  const result = parseRawReading(bytes, options);
  return result.ok ? 'ok' : (result.error.code as ReadingErrorCode);
}

describe('parseRawReading', () => {
  it('parses the docs/architecture.md#messages example and keeps unknown fields as extra', () => {
    const result = parseRawReading(Buffer.from('{"sensor_id":"sensor-001","ts":"2026-11-29T04:38:12.123Z","value":21.37,"unit":"celsius","battery":3.1,"fw":{"v":2}}'),
      { now: NOW, key: Buffer.from(`sensor-001|${TS}`) });
    expect(result).toEqual({ ok: true, reading: { sensorId: 'sensor-001', ts: TS, value: 21.37, unit: 'celsius', extra: { battery: 3.1, fw: { v: 2 } } } });
  });

  it('accepts ts as epoch milliseconds and as ISO-8601 with an offset, and no unit', () => {
    const a = parseRawReading(Buffer.from(`{"sensor_id":"s1","ts":${TS},"value":-3}`), { now: NOW });
    const b = parseRawReading(Buffer.from('{"sensor_id":"s1","ts":"2026-11-29T05:38:12.123+01:00","value":-3}'), { now: NOW });
    expect(a.ok && a.reading).toEqual({ sensorId: 's1', ts: TS, value: -3, unit: null, extra: {} });
    expect(b.ok && b.reading.ts).toBe(TS);
  });

  it('accepts a ts exactly one day ahead and exactly at 2000-01-01', () => {
    expect(codeOf(`{"sensor_id":"s","ts":${NOW + 86_400_000},"value":1}`)).toBe('ok');
    expect(codeOf('{"sensor_id":"s","ts":"2000-01-01T00:00:00Z","value":1}')).toBe('ok');
  });

  // Each malformed reading maps to the one code that names its cause.
  const malformed: [string, string | Buffer, ReadingErrorCode, (string | null)?][] = [
    ['a value over 64 KiB', `{"sensor_id":"s","ts":${TS},"value":1,"pad":"${'x'.repeat(65_536)}"}`, 'TOO_LARGE'],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'INVALID_ENCODING'],
    ['text that is not JSON', 'sensor-001,21.37', 'NOT_JSON'],
    ['truncated JSON', '{"sensor_id":"s","ts":1', 'NOT_JSON'],
    ['an empty record', '', 'NOT_JSON'],
    ['a bare NaN token (not JSON)', '{"sensor_id":"s","ts":1764391092123,"value":NaN}', 'NOT_JSON'],
    ['a JSON array', '[1,2,3]', 'NOT_AN_OBJECT'],
    ['a JSON number', '21.37', 'NOT_AN_OBJECT'],
    ['JSON null', 'null', 'NOT_AN_OBJECT'],
    ['no sensor_id', `{"ts":${TS},"value":1}`, 'MISSING_SENSOR_ID'],
    ['an empty sensor_id', `{"sensor_id":"","ts":${TS},"value":1}`, 'MISSING_SENSOR_ID'],
    ['a numeric sensor_id', `{"sensor_id":17,"ts":${TS},"value":1}`, 'INVALID_SENSOR_ID'],
    ['a sensor_id with the key separator', `{"sensor_id":"a|b","ts":${TS},"value":1}`, 'INVALID_SENSOR_ID'],
    ['a sensor_id with a path', `{"sensor_id":"../etc/passwd","ts":${TS},"value":1}`, 'INVALID_SENSOR_ID'],
    ['no ts', '{"sensor_id":"s","value":1}', 'MISSING_TS'],
    ['ts null', '{"sensor_id":"s","ts":null,"value":1}', 'MISSING_TS'],
    ['ts as a boolean', '{"sensor_id":"s","ts":true,"value":1}', 'INVALID_TS'],
    ['ts as a date without a zone', '{"sensor_id":"s","ts":"2026-11-29T04:38:12","value":1}', 'INVALID_TS'],
    ['ts as prose', '{"sensor_id":"s","ts":"yesterday","value":1}', 'INVALID_TS'],
    ['ts as fractional epoch ms', '{"sensor_id":"s","ts":1764391092123.5,"value":1}', 'INVALID_TS'],
    ['ts as an impossible date', '{"sensor_id":"s","ts":"2026-13-45T00:00:00Z","value":1}', 'INVALID_TS'],
    ['ts on 30 February', '{"sensor_id":"s","ts":"2026-02-30T00:00:00Z","value":1}', 'INVALID_TS'],
    ['ts as epoch seconds (1999)', '{"sensor_id":"s","ts":1764391092,"value":1}', 'TS_TOO_OLD'],
    ['ts in 1999', '{"sensor_id":"s","ts":"1999-12-31T23:59:59.999Z","value":1}', 'TS_TOO_OLD'],
    ['ts more than a day in the future', `{"sensor_id":"s","ts":${NOW + 86_400_001},"value":1}`, 'TS_IN_FUTURE'],
    ['ts as epoch microseconds (far future)', `{"sensor_id":"s","ts":${TS * 1000},"value":1}`, 'TS_IN_FUTURE'],
    ['ts beyond a safe integer', '{"sensor_id":"s","ts":1e300,"value":1}', 'INVALID_TS'],
    ['no value', `{"sensor_id":"s","ts":${TS}}`, 'MISSING_VALUE'],
    ['value null', `{"sensor_id":"s","ts":${TS},"value":null}`, 'MISSING_VALUE'],
    ['value as a numeric string', `{"sensor_id":"s","ts":${TS},"value":"21.37"}`, 'VALUE_NOT_NUMBER'],
    ['value as a boolean', `{"sensor_id":"s","ts":${TS},"value":false}`, 'VALUE_NOT_NUMBER'],
    ['value as an object', `{"sensor_id":"s","ts":${TS},"value":{"c":21}}`, 'VALUE_NOT_NUMBER'],
    ['value "NaN"', `{"sensor_id":"s","ts":${TS},"value":"NaN"}`, 'INVALID_VALUE'],
    ['value "-Infinity"', `{"sensor_id":"s","ts":${TS},"value":"-Infinity"}`, 'INVALID_VALUE'],
    ['value with an exponent beyond a double', `{"sensor_id":"s","ts":${TS},"value":1e400}`, 'INVALID_VALUE'],
    ['value with a huge negative exponent literal', `{"sensor_id":"s","ts":${TS},"value":-9e999}`, 'INVALID_VALUE'],
    ['unit as a number', `{"sensor_id":"s","ts":${TS},"value":1,"unit":7}`, 'INVALID_UNIT'],
    ['unit as an empty string', `{"sensor_id":"s","ts":${TS},"value":1,"unit":""}`, 'INVALID_UNIT'],
    ['unit with a NUL', `{"sensor_id":"s","ts":${TS},"value":1,"unit":"ohm\\u0000"}`, 'INVALID_UNIT'],
    ['unit with a control character', `{"sensor_id":"s","ts":${TS},"value":1,"unit":"c\\u001b[31m"}`, 'INVALID_UNIT'],
    ['unit with a lone surrogate', `{"sensor_id":"s","ts":${TS},"value":1,"unit":"\\ud800"}`, 'INVALID_UNIT'],
    ['unit with a space', `{"sensor_id":"s","ts":${TS},"value":1,"unit":"deg C"}`, 'INVALID_UNIT'],
    ['unit over 32 characters', `{"sensor_id":"s","ts":${TS},"value":1,"unit":"${'c'.repeat(33)}"}`, 'INVALID_UNIT'],
    ['a duplicate key, the last a number', `{"sensor_id":"s","ts":${TS},"value":"x","value":1}`, 'DUPLICATE_KEY'],
    ['a duplicate key spelled with an escape', `{"sensor_id":"s","ts":${TS},"value":2,"valu\\u0065":1}`, 'DUPLICATE_KEY'],
    ['a duplicate key in a nested object', `{"sensor_id":"s","ts":${TS},"value":1,"meta":{"a":1,"a":2}}`, 'DUPLICATE_KEY'],
    ['no key', `{"sensor_id":"s","ts":${TS},"value":1}`, 'MISSING_KEY', null],
    ['a key without a separator', `{"sensor_id":"s","ts":${TS},"value":1}`, 'INVALID_KEY', 's'],
    ['a key with a non-numeric ts', `{"sensor_id":"s","ts":${TS},"value":1}`, 'INVALID_KEY', 's|today'],
    ['a key for another sensor', `{"sensor_id":"s","ts":${TS},"value":1}`, 'KEY_MISMATCH', `t|${TS}`],
    ['a key for another ts', `{"sensor_id":"s","ts":${TS},"value":1}`, 'KEY_MISMATCH', `s|${TS + 1}`],
  ];

  it(`has at least 20 distinct malformed readings (${malformed.length})`, () => {
    expect(new Set(malformed.map(([, value, , key]) => `${String(key)}\u0000${value.toString()}`)).size).toBe(malformed.length);
    expect(malformed.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, value, code, key] of malformed) {
    it(`sends a reading with ${name} to the DLQ with code ${code}`, () => {
      expect(codeOf(value, key)).toBe(code);
    });
  }

  it('says in the message which field is wrong', () => {
    const result = parseRawReading(Buffer.from(`{"sensor_id":"s","ts":${TS},"value":"21.37"}`), { now: NOW });
    expect(!result.ok && result.error.message).toBe('value must be a number, got "21.37"');
  });

  it('keeps a "__proto__" field as plain data in extra', () => {
    const result = parseRawReading(Buffer.from(`{"sensor_id":"s","ts":${TS},"value":1,"__proto__":{"polluted":true}}`), { now: NOW });
    expect(result.ok && JSON.stringify(result.reading.extra)).toBe('{"__proto__":{"polluted":true}}');
    expect(result.ok && Object.getPrototypeOf(result.reading.extra)).toBe(Object.prototype);
  });

  it('never throws, whatever the bytes', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      parseRawReading(Buffer.from(bytes), { now: NOW, key: Buffer.from(bytes) });
      return true;
    }));
    fc.assert(fc.property(fc.jsonValue(), (json) => {
      parseRawReading(Buffer.from(JSON.stringify(json) ?? ''), { now: NOW });
      return true;
    }));
  });
});
