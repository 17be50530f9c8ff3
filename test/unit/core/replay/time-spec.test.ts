import { describe, expect, it } from 'vitest';
import { ReplayError } from '../../../../topology/core/replay/errors.ts';
import { parseTimeSpec } from '../../../../topology/core/replay/time-spec.ts';

const now = Date.parse('2026-11-29T12:00:00Z');

describe('parseTimeSpec', () => {
  it('reads an ISO-8601 instant with a zone', () => {
    expect(parseTimeSpec('2026-11-28T04:00:00.500+01:00', now)).toBe(Date.parse('2026-11-28T03:00:00.500Z'));
  });

  it('reads a date-time without a zone as UTC, not local time', () => {
    expect(parseTimeSpec('2026-11-28T04:00:00', now)).toBe(Date.parse('2026-11-28T04:00:00Z'));
  });

  it('reads a bare date as midnight UTC', () => {
    expect(parseTimeSpec('2026-11-28', now)).toBe(Date.parse('2026-11-28T00:00:00Z'));
  });

  it('reads epoch milliseconds', () => {
    expect(parseTimeSpec('1764403200000', now)).toBe(1764403200000);
  });

  it.each([['7d', 7 * 86_400_000], ['2h', 7_200_000], ['30m', 1_800_000], ['45s', 45_000], ['1w', 604_800_000], ['1.5h', 5_400_000]])(
    'reads %s as that long before now', (text, ago) => {
      expect(parseTimeSpec(text, now)).toBe(now - ago);
    });

  it.each(['yesterday', '7 days', '2026-13-45', '', '12', '-3d', '2026-11-28T25:00:00Z'])('rejects %j with INVALID_TIME naming the option', (text) => {
    expect(() => parseTimeSpec(text, now, '--from')).toThrow(ReplayError);
    try {
      parseTimeSpec(text, now, '--from');
    } catch (error) {
      expect((error as ReplayError).code).toBe('INVALID_TIME');
      expect((error as ReplayError).message).toMatch(/^--from: cannot read/);
    }
  });
});
