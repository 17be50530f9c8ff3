import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSerde } from '../../../../topology/core/serdes/json-serde.ts';

const Reading = z.object({ sensor_id: z.string(), value: z.number() });

describe('jsonSerde', () => {
  it('round-trips a JSON object', () => {
    const serde = jsonSerde();
    expect(serde.deserialize(serde.serialize({ a: [1, 'b'] }, 't'), 't')).toEqual({ a: [1, 'b'] });
  });

  it('rejects invalid JSON with DESERIALIZATION_FAILED naming the topic', () => {
    const decode = (): unknown => jsonSerde().deserialize(Buffer.from('{"a":'), 'readings.raw');
    expect(decode).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
    expect(decode).toThrow(/readings\.raw/);
  });

  it('refuses to encode a value JSON cannot represent with SERIALIZATION_FAILED', () => {
    expect(() => jsonSerde().serialize(() => 1, 't')).toThrow(expect.objectContaining({ code: 'SERIALIZATION_FAILED' }));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => jsonSerde().serialize(circular, 't')).toThrow(expect.objectContaining({ code: 'SERIALIZATION_FAILED' }));
  });
});

describe('jsonSerde(schema)', () => {
  it('returns the value the schema accepts, typed by the schema', () => {
    const reading = jsonSerde(Reading).deserialize(Buffer.from('{"sensor_id":"s1","value":2.5}'), 't');
    expect(reading.value + 1).toBe(3.5);
  });

  it('rejects a value the schema refuses with VALIDATION_FAILED naming each failing field', () => {
    let error: unknown;
    try {
      jsonSerde(Reading).deserialize(Buffer.from('{"sensor_id":7}'), 'readings.raw');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toMatch(/sensor_id: .*expected string/i);
    expect((error as Error).message).toMatch(/value: /);
  });

  it('still reports broken JSON as DESERIALIZATION_FAILED, not as a validation failure', () => {
    expect(() => jsonSerde(Reading).deserialize(Buffer.from('nope'), 't')).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
  });

  it('rejects a tombstone unless wrapped in nullableSerde', () => {
    expect(() => jsonSerde(Reading).deserialize(null, 't')).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
  });
});
