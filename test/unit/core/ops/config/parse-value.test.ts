import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseValue } from '../../../../../topology/core/ops/config/parse-value.ts';

describe('parseDuration', () => {
  it.each([['250ms', 250], ['10s', 10_000], ['1.5s', 1500], ['2m', 120_000], ['1h', 3_600_000], ['0', 0], [' 3 s ', 3000]])(
    'reads %s as %i ms', (raw, ms) => {
      expect(parseDuration(raw)).toEqual({ ok: true, value: ms });
    });

  it.each(['', 'ten seconds', '-5s', '5d', '1e3', '750', '5'])('rejects %j', (raw) => {
    expect(parseDuration(raw).ok).toBe(false);
  });

  it('says a bare number needs a unit instead of guessing milliseconds', () => {
    expect(parseDuration('5')).toEqual({ ok: false, message: '"5" has no unit (write 5s, 5ms, 5m or 5h)' });
  });

  it('formats whole units the way they are usually written', () => {
    expect([formatDuration(250), formatDuration(10_000), formatDuration(90_000), formatDuration(120_000), formatDuration(3_600_000)])
      .toEqual(['250ms', '10s', '90s', '2m', '1h']);
  });
});

describe('parseValue', () => {
  it('reads booleans in the usual spellings', () => {
    for (const raw of ['true', 'TRUE', '1', 'yes', 'on']) expect(parseValue(raw, { type: 'bool', description: '' })).toEqual({ ok: true, value: true });
    for (const raw of ['false', '0', 'no', 'off']) expect(parseValue(raw, { type: 'bool', description: '' })).toEqual({ ok: true, value: false });
  });

  it('rejects integers that are not whole numbers', () => {
    expect(parseValue('1.5', { type: 'int', description: '' })).toEqual({ ok: false, message: '"1.5" is not an integer' });
    expect(parseValue('99999999999999999999', { type: 'int', description: '' })).toEqual({ ok: false, message: '"99999999999999999999" is too large' });
  });
});
