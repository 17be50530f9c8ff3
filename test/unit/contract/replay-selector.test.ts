import { describe, expect, it } from 'vitest';
import { replaySelector, selects } from '../../../contract/replay-selector.ts';

const key = (sensor: string, ts: number): Buffer => Buffer.from(`${sensor}|${ts}`);

describe('the calibration replay selector', () => {
  it('selects only the chosen sensors', () => {
    const selector = replaySelector(['sensor-002'], 0, null);
    expect(selects(selector, key('sensor-002', 10))).toBe(true);
    expect(selects(selector, key('sensor-001', 10))).toBe(false);
  });

  it('selects every sensor when none is chosen', () => {
    expect(selects(replaySelector([], 0, null), key('anything', 10))).toBe(true);
  });

  it('selects reading times from --from (inclusive) to --to (exclusive)', () => {
    const selector = replaySelector([], 1000, 2000);
    expect(selects(selector, key('s', 999))).toBe(false);
    expect(selects(selector, key('s', 1000))).toBe(true);
    expect(selects(selector, key('s', 1999))).toBe(true);
    expect(selects(selector, key('s', 2000))).toBe(false);
  });

  it('keeps a sensor id that itself contains a bar', () => {
    expect(selects(replaySelector(['a|b'], 0, null), key('a|b', 5))).toBe(true);
  });

  it('selects a record whose key it cannot read, rather than lose a reading', () => {
    const selector = replaySelector(['sensor-001'], 1000, 2000);
    expect(selects(selector, null)).toBe(true);
    expect(selects(selector, Buffer.from('no-bar-here'))).toBe(true);
    expect(selects(selector, Buffer.from('sensor-009|not-a-number'))).toBe(true);
  });

  it('selects everything for a selector it does not recognise', () => {
    expect(selects(null, key('s', 1))).toBe(true);
    expect(selects({ something: 'else' }, key('s', 1))).toBe(true);
  });
});
