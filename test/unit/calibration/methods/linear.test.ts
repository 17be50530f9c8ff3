import { describe, expect, it } from 'vitest';
import { linear } from '../../../../calibration/methods/linear.ts';

describe('linear', () => {
  it('computes gain · raw + offset (docs/architecture.md#calibration-profiles example: 0.98 · 21.37 + 2.5 = 23.4426)', () => {
    expect(linear(21.37, 0.98, 2.5)).toBeCloseTo(23.4426, 12);
  });

  it('applies a plain offset when the gain is 1', () => {
    expect(linear(21.5, 1, -0.5)).toBe(21);
  });
});
