import { describe, expect, it } from 'vitest';
import { polynomial } from '../../../../calibration/methods/polynomial.ts';

describe('polynomial', () => {
  it('evaluates c0 + c1·x + c2·x² against hand-computed values', () => {
    // 0.4 + 0.98·20 + 0.0005·400 = 0.4 + 19.6 + 0.2 = 20.2
    expect(polynomial(20, [0.4, 0.98, 0.0005])).toBeCloseTo(20.2, 12);
    // 0.4 + 0.98·(-10) + 0.0005·100 = 0.4 - 9.8 + 0.05 = -9.35
    expect(polynomial(-10, [0.4, 0.98, 0.0005])).toBeCloseTo(-9.35, 12);
  });

  it('evaluates a cubic against a hand-computed value', () => {
    // 1 - 2·3 + 0.5·9 + 0.1·27 = 1 - 6 + 4.5 + 2.7 = 2.2
    expect(polynomial(3, [1, -2, 0.5, 0.1])).toBeCloseTo(2.2, 12);
  });

  it('treats a single coefficient as a constant', () => {
    expect(polynomial(123, [7])).toBe(7);
  });
});
