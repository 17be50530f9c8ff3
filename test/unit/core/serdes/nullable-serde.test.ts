import { describe, expect, it } from 'vitest';
import { jsonSerde } from '../../../../topology/core/serdes/json-serde.ts';
import { nullableSerde } from '../../../../topology/core/serdes/nullable-serde.ts';
import { stringSerde } from '../../../../topology/core/serdes/string-serde.ts';

describe('nullableSerde', () => {
  it('turns null bytes into null and null into null bytes without calling the wrapped serde', () => {
    const serde = nullableSerde(jsonSerde());
    expect(serde.deserialize(null, 't')).toBeNull();
    expect(serde.serialize(null, 't')).toBeNull();
  });

  it('hands everything else to the wrapped serde, errors included', () => {
    const serde = nullableSerde(stringSerde());
    expect(serde.deserialize(Buffer.from('x'), 't')).toBe('x');
    expect(() => nullableSerde(jsonSerde()).deserialize(Buffer.from('{'), 't')).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
  });

  it('names itself after the serde it wraps, for describe()', () => {
    expect(nullableSerde(stringSerde()).name).toBe('nullable(string)');
  });
});
