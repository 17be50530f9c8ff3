import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSerde } from '../../../../topology/core/serdes/json-serde.ts';
import { stringSerde } from '../../../../topology/core/serdes/string-serde.ts';

describe('serde round trips', () => {
  it('stringSerde gives back every well-formed string it wrote', () => {
    const serde = stringSerde();
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => serde.deserialize(serde.serialize(text, 't'), 't') === text));
  });

  it('stringSerde either round-trips a string or refuses it with SERIALIZATION_FAILED, never alters it', () => {
    const serde = stringSerde();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        let bytes: Buffer | null;
        try {
          bytes = serde.serialize(text, 't');
        } catch (error) {
          expect(error).toMatchObject({ code: 'SERIALIZATION_FAILED' });
          return;
        }
        expect(serde.deserialize(bytes, 't')).toBe(text);
      }),
    );
  });

  it('jsonSerde decodes any JSON text to what JSON.parse gives', () => {
    const serde = jsonSerde();
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(serde.deserialize(Buffer.from(text), 't')).toStrictEqual(JSON.parse(text));
      }),
    );
  });
});
