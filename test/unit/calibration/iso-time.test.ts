import { describe, expect, it } from 'vitest';
import { parseIsoInstant } from '../../../calibration/iso-time.ts';

describe('parseIsoInstant', () => {
  it('parses date-times with Z or an offset, with or without seconds and fractions', () => {
    expect(parseIsoInstant('2026-11-29T04:38:12.123Z')).toBe(Date.UTC(2026, 10, 29, 4, 38, 12, 123));
    expect(parseIsoInstant('2026-11-29T05:38:12.123+01:00')).toBe(Date.UTC(2026, 10, 29, 4, 38, 12, 123));
    expect(parseIsoInstant('2026-11-29T04:38Z')).toBe(Date.UTC(2026, 10, 29, 4, 38));
    expect(parseIsoInstant('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('parses a date as midnight UTC only when allowed', () => {
    expect(parseIsoInstant('2025-06-01', { dateOnly: true })).toBe(Date.UTC(2025, 5, 1));
    expect(parseIsoInstant('2025-06-01')).toBeUndefined();
  });

  it('rejects moments that do not exist instead of rolling them over', () => {
    for (const text of ['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z',
      '2026-01-01T24:00:00Z', '2026-01-01T12:60:00Z', '2026-01-01T12:00:60Z', '2026-01-01T12:00:00+25:00']) {
      expect(parseIsoInstant(text), text).toBeUndefined();
    }
    expect(parseIsoInstant('2026-02-30', { dateOnly: true })).toBeUndefined();
  });

  it('rejects a date-time without a zone and other spellings', () => {
    for (const text of ['2026-11-29T04:38:12', '2026-11-29 04:38:12Z', 'Sun, 29 Nov 2026 04:38:12 GMT', '1764391092123', '']) {
      expect(parseIsoInstant(text), text).toBeUndefined();
    }
  });

  it('reads a date before year 100 as that year, not 19xx (Date.UTC\'s two-digit-year quirk; issue 16)', () => {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 0, 1);
    expect(parseIsoInstant('0050-01-01', { dateOnly: true })).toBe(year50.getTime());
    expect(new Date(parseIsoInstant('0050-01-01', { dateOnly: true })!).toISOString()).toBe('0050-01-01T00:00:00.000Z');
    expect(new Date(parseIsoInstant('0000-02-29', { dateOnly: true })!).toISOString()).toBe('0000-02-29T00:00:00.000Z'); // year 0 is a leap year, 1900 is not
    expect(parseIsoInstant('0099-12-31', { dateOnly: true })).toBe(parseIsoInstant('0099-12-31T00:00:00Z'));
    expect(parseIsoInstant('0100-02-29', { dateOnly: true })).toBeUndefined();
    expect(parseIsoInstant('0000-02-29T12:00:00Z')).toBe(Date.parse('0000-02-29T12:00:00Z'));
  });
});
