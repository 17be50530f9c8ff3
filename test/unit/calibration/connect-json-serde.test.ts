import { describe, expect, it } from 'vitest';
import { connectJsonKeySerde, connectJsonValueSerde } from '../../../calibration/connect-json-serde.ts';
import type { CalibratedReadingMessage } from '../../../calibration/connect-json.ts';
import { CoreError } from '../../../topology/core/errors.ts';
import { nullableSerde } from '../../../topology/core/serdes/nullable-serde.ts';
import { thrownError } from '../../helpers/thrown.ts';

const TOPIC = 'readings.calibrated';
const reading: CalibratedReadingMessage = {
  sensor_id: 'sensor-001', ts: '2026-11-29T05:38:12.123+01:00', raw_value: 21.37, value: null, unit: null,
  status: 'out_of_range', profile: 'sensor-001@2025-06-01#3f9a1c2e7b10', calibrated_at: 1795927092201,
};

describe('connect-json serdes', () => {
  it('reads back the value it writes, timestamps as ISO-8601 UTC', () => {
    const serde = connectJsonValueSerde();
    expect(serde.deserialize(serde.serialize(reading, TOPIC), TOPIC)).toEqual({
      ...reading, ts: '2026-11-29T04:38:12.123Z', calibrated_at: '2026-11-29T04:38:12.201Z',
    });
  });

  it('reads back the key it writes', () => {
    const serde = connectJsonKeySerde();
    expect(serde.deserialize(serde.serialize({ sensor_id: 'sensor-001', ts: 1795927092123 }, TOPIC), TOPIC))
      .toEqual({ sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z' });
  });

  it('refuses a kalibra-format value (no Connect envelope) with VALIDATION_FAILED', () => {
    const plain = Buffer.from(JSON.stringify({ ...reading, ts: '2026-11-29T04:38:12.123Z' }));
    const error = thrownError(CoreError, () => connectJsonValueSerde().deserialize(plain, TOPIC));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('{schema, payload}');
  });

  it('refuses an envelope with another schema, even one that differs only in an optional flag', () => {
    const serde = connectJsonValueSerde();
    const envelope = JSON.parse(serde.serialize(reading, TOPIC)!.toString()) as { schema: { fields: { optional: boolean }[] } };
    envelope.schema.fields[2]!.optional = true;
    const error = thrownError(CoreError, () => serde.deserialize(Buffer.from(JSON.stringify(envelope)), TOPIC));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('kalibra.CalibratedReading v1');
  });

  it('names the payload field that has the wrong type', () => {
    const serde = connectJsonValueSerde();
    const envelope = JSON.parse(serde.serialize(reading, TOPIC)!.toString()) as { payload: Record<string, unknown> };
    envelope.payload.raw_value = '21.37';
    const error = thrownError(CoreError, () => serde.deserialize(Buffer.from(JSON.stringify(envelope)), TOPIC));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('raw_value');
  });

  it('refuses bytes that are not JSON, and null bytes, with DESERIALIZATION_FAILED', () => {
    expect(thrownError(CoreError, () => connectJsonValueSerde().deserialize(Buffer.from('{"schema":'), TOPIC)).code).toBe('DESERIALIZATION_FAILED');
    expect(thrownError(CoreError, () => connectJsonKeySerde().deserialize(Buffer.from([0xff, 0xfe]), TOPIC)).code).toBe('DESERIALIZATION_FAILED');
    expect(thrownError(CoreError, () => connectJsonValueSerde().deserialize(null, TOPIC)).code).toBe('DESERIALIZATION_FAILED');
  });

  it('writes and reads a tombstone when wrapped in nullableSerde', () => {
    const serde = nullableSerde(connectJsonValueSerde());
    expect(serde.serialize(null, TOPIC)).toBeNull();
    expect(serde.deserialize(null, TOPIC)).toBeNull();
  });

  it('refuses to write a reading it could not write faithfully, with SERIALIZATION_FAILED', () => {
    expect(thrownError(CoreError, () => connectJsonValueSerde().serialize({ ...reading, raw_value: Number.NaN }, TOPIC)).code).toBe('SERIALIZATION_FAILED');
    expect(thrownError(CoreError, () => connectJsonKeySerde().serialize({ sensor_id: 'sensor-001', ts: 'now' }, TOPIC)).code).toBe('SERIALIZATION_FAILED');
  });
});
