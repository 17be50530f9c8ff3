import { describe, expect, it } from 'vitest';
import { bytesSerde } from '../../../../topology/core/serdes/bytes-serde.ts';
import { stringSerde } from '../../../../topology/core/serdes/string-serde.ts';

describe('stringSerde', () => {
  it('round-trips a UTF-8 string with non-ASCII characters', () => {
    const serde = stringSerde();
    expect(serde.deserialize(serde.serialize('Grüße 🌡', 't'), 't')).toBe('Grüße 🌡');
  });

  it('rejects bytes that are not valid UTF-8 with DESERIALIZATION_FAILED instead of replacing them', () => {
    expect(() => stringSerde().deserialize(Buffer.from([0xc3, 0x28]), 't')).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
  });

  it('rejects null bytes and says to wrap it in nullableSerde', () => {
    expect(() => stringSerde().deserialize(null, 'readings')).toThrow(/nullableSerde/);
  });
});

describe('bytesSerde', () => {
  it('passes bytes through untouched and rejects null bytes', () => {
    const bytes = Buffer.from([0, 255, 7]);
    expect(bytesSerde().deserialize(bytes, 't')).toBe(bytes);
    expect(bytesSerde().serialize(bytes, 't')).toBe(bytes);
    expect(() => bytesSerde().deserialize(null, 't')).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
  });
});
