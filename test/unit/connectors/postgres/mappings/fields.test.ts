import { describe, expect, it } from 'vitest';
import { optionalTimestamp, requiredTimestamp } from '../../../../../connectors/postgres/mappings/fields.ts';

/** What the writers sent before canonical timestamps were passed through: Date.parse, then toISOString. */
function general(value: string): string | Error {
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999 ? new Date(ms).toISOString() : new Error('invalid');
}

function viaField(value: string): string | Error {
  try {
    return requiredTimestamp({ ts: value }, 'ts');
  } catch {
    return new Error('invalid');
  }
}

describe('timestamp fields', () => {
  it('passes canonical timestamps on exactly as toISOString() would write them', () => {
    let state = 42;
    const random = (): number => { state = (state * 1_103_515_245 + 12_345) % 2 ** 31; return state / 2 ** 31; };
    for (let i = 0; i < 5_000; i++) {
      const iso = new Date(-62_135_596_800_000 + Math.floor(random() * (253_402_300_799_999 + 62_135_596_800_000))).toISOString();
      expect(viaField(iso)).toBe(iso);
    }
  });

  it.each([
    '2026-02-30T00:00:00.000Z', '2024-02-29T12:00:00.000Z', '2100-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z',
    '2026-01-01T24:00:00.000Z', '2026-01-01T23:59:60.000Z', '2026-13-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z', '2026-01-01T00:00:00.000+01:00', '2026-01-01T00:00:00Z', '2026-01-01T0a:00:00.000Z',
  ])('treats %s as the general parser does', (value) => {
    const expected = general(value);
    const actual = viaField(value);
    if (expected instanceof Error) expect(actual).toBeInstanceOf(Error);
    else expect(actual).toBe(expected);
  });

  it('passes an optional canonical timestamp on and null as null', () => {
    expect(optionalTimestamp({ at: '2026-11-29T04:38:12.201Z' }, 'at')).toBe('2026-11-29T04:38:12.201Z');
    expect(optionalTimestamp({}, 'at')).toBeNull();
  });
});
