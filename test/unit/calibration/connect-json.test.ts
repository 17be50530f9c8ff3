import { describe, expect, it } from 'vitest';
import {
  calibratedKeySchema,
  calibratedValueSchema,
  connectJsonKey,
  connectJsonSensorPart,
  connectJsonValue,
  encodeConnectJson,
  encodeConnectJsonTombstoneKey,
} from '../../../calibration/connect-json.ts';
import type { CalibratedReadingMessage } from '../../../calibration/connect-json.ts';
import { readingKey, sensorPart } from '../../../contract/reading-key.ts';
import { CoreError } from '../../../topology/core/errors.ts';
import { javaPartition } from '../../../topology/core/partitioning.ts';
import { thrownError } from '../../helpers/thrown.ts';

const reading: CalibratedReadingMessage = {
  sensor_id: 'sensor-001',
  ts: '2026-11-29T04:38:12.123Z',
  raw_value: 21.37,
  value: 20.94,
  unit: 'celsius',
  status: 'ok',
  profile: 'sensor-001@2025-06-01#3f9a1c2e7b10',
  calibrated_at: '2026-11-29T04:38:12.201Z',
};

const TS = Date.UTC(2026, 10, 29, 4, 38, 12, 123);
const CALIBRATED_AT = Date.UTC(2026, 10, 29, 4, 38, 12, 201);

describe('connect-json', () => {
  it('writes the value as a {schema, payload} envelope with every column of calibrated_readings', () => {
    expect(connectJsonValue(reading)).toEqual({
      schema: calibratedValueSchema,
      payload: {
        sensor_id: 'sensor-001',
        ts: TS,
        raw_value: 21.37,
        value: 20.94,
        unit: 'celsius',
        status: 'ok',
        profile: 'sensor-001@2025-06-01#3f9a1c2e7b10',
        calibrated_at: CALIBRATED_AT,
      },
    });
  });

  it('types ts and calibrated_at as Connect logical Timestamps (int64 epoch ms) and the readings as doubles', () => {
    const byName = new Map(calibratedValueSchema.fields!.map((field) => [field.field, field]));
    for (const name of ['ts', 'calibrated_at']) {
      expect(byName.get(name)).toMatchObject({ type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp', version: 1, optional: false });
    }
    expect(byName.get('raw_value')).toMatchObject({ type: 'double', optional: false });
    expect(byName.get('value')).toMatchObject({ type: 'double', optional: true });
    expect(byName.get('sensor_id')).toMatchObject({ type: 'string', optional: false });
    expect(byName.get('status')).toMatchObject({ type: 'string', optional: false });
  });

  it('makes value, unit and profile optional, so an out_of_range reading carries nulls', () => {
    const outOfRange = { ...reading, value: null, unit: null, status: 'out_of_range', profile: null };
    expect(connectJsonValue(outOfRange).payload).toMatchObject({ value: null, unit: null, profile: null, status: 'out_of_range' });
    const optional = calibratedValueSchema.fields!.filter((field) => field.optional).map((field) => field.field);
    expect(optional).toEqual(['value', 'unit', 'profile']);
  });

  it('keys the record by sensor_id and ts, the primary key of calibrated_readings', () => {
    expect(connectJsonKey('sensor-001', reading.ts)).toEqual({
      schema: calibratedKeySchema,
      payload: { sensor_id: 'sensor-001', ts: TS },
    });
    expect(calibratedKeySchema.fields!.map((field) => field.field)).toEqual(['sensor_id', 'ts']);
  });

  it('gives the same key bytes for the same reading, so compaction keeps one record per reading', () => {
    const first = encodeConnectJson(reading).key;
    const recalibrated = encodeConnectJson({ ...reading, value: 20.5, calibrated_at: '2026-11-30T00:00:00.000Z' }).key;
    expect(recalibrated.equals(first)).toBe(true);
    expect(encodeConnectJsonTombstoneKey('sensor-001', TS).equals(first)).toBe(true);
  });

  it('encodes UTF-8 JSON that parses back to the same envelope, doubles exactly', () => {
    const precise = { ...reading, raw_value: 0.1 + 0.2, value: -1e-300 };
    const { key, value } = encodeConnectJson(precise);
    expect(JSON.parse(key.toString('utf8'))).toEqual(connectJsonKey(precise.sensor_id, precise.ts));
    const parsed = JSON.parse(value.toString('utf8')) as { payload: { raw_value: number; value: number } };
    expect(parsed.payload.raw_value).toBe(0.30000000000000004);
    expect(parsed.payload.value).toBe(-1e-300);
  });

  it('reads a timestamp with an offset as the same instant, and accepts epoch milliseconds', () => {
    expect(connectJsonKey('s', '2026-11-29T05:38:12.123+01:00').payload.ts).toBe(TS);
    expect(connectJsonKey('s', '2026-11-28T23:08:12.123-05:30').payload.ts).toBe(TS);
    expect(connectJsonKey('s', '2026-11-29T04:38:12Z').payload.ts).toBe(TS - 123);
    expect(connectJsonKey('s', '2026-11-29T04:38:12.1Z').payload.ts).toBe(TS - 23);
    expect(connectJsonKey('s', TS).payload.ts).toBe(TS);
  });

  it.each([
    ['a date without a zone', '2026-11-29T04:38:12.123'],
    ['microseconds, which a Connect Timestamp would truncate', '2026-11-29T04:38:12.123456Z'],
    ['a day that does not exist', '2026-02-30T00:00:00Z'],
    ['hour 24', '2026-11-29T24:00:00Z'],
    ['not a date', 'yesterday'],
  ])('refuses a ts that is %s, naming the field', (_why, ts) => {
    const error = thrownError(CoreError, () => connectJsonValue({ ...reading, ts }));
    expect(error.code).toBe('SERIALIZATION_FAILED');
    expect(error.message).toContain('ts ');
  });

  it('refuses a fractional or unsafe epoch-millisecond timestamp', () => {
    expect(thrownError(CoreError, () => connectJsonKey('s', 1.5)).message).toContain('ts must be integer epoch milliseconds');
    expect(thrownError(CoreError, () => connectJsonValue({ ...reading, calibrated_at: 2 ** 60 })).message).toContain('calibrated_at');
  });

  it.each([
    ['raw_value', { raw_value: Number.NaN }],
    ['raw_value', { raw_value: Number.POSITIVE_INFINITY }],
    ['value', { value: Number.NEGATIVE_INFINITY }],
  ])('refuses a non-finite %s instead of writing null', (field, change) => {
    const error = thrownError(CoreError, () => connectJsonValue({ ...reading, ...change }));
    expect(error.message).toContain(`${field} must be a finite number`);
  });

  it.each([['sensor_id'], ['status']])('refuses an empty %s', (field) => {
    expect(thrownError(CoreError, () => connectJsonValue({ ...reading, [field]: '' })).message).toContain(`${field} must be a non-empty string`);
  });
});

describe('connectJsonSensorPart', () => {
  it('partitions a Connect JSON key like the kalibra key of the same reading', () => {
    for (const sensorId of ['sensor-001', 'sensor-002', 'kitchen|north', 'ümlaut-7']) {
      const connectKey = encodeConnectJson({ ...reading, sensor_id: sensorId }).key;
      const kalibraKey = Buffer.from(readingKey(sensorId, TS));
      expect(connectJsonSensorPart(connectKey).equals(sensorPart(kalibraKey))).toBe(true);
      expect(javaPartition(connectJsonSensorPart(connectKey), 12)).toBe(javaPartition(sensorPart(kalibraKey), 12));
    }
  });

  it('hashes a key that is not Connect JSON whole', () => {
    const key = Buffer.from('not json');
    expect(connectJsonSensorPart(key)).toBe(key);
  });
});
