import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callendarVanDusenCelsius } from '../../../../calibration/methods/callendar-van-dusen.ts';

// IEC 60751:2008 coefficients for industrial platinum resistance thermometers.
const R0 = 100;
const A = 3.9083e-3;
const B = -5.775e-7;
const C = -4.183e-12;

// Rows of the IEC 60751 Pt100 reference table (resistance in ohm at temperature in °C),
// as printed: resistances are rounded to 0.01 Ω.
const IEC_60751_PT100: readonly [celsius: number, ohm: number][] = [
  [-200, 18.52], [-150, 39.72], [-100, 60.26], [-50, 80.31], [-20, 92.16], [-10, 96.09],
  [0, 100.0], [10, 103.9], [25, 109.73], [50, 119.4], [100, 138.51], [150, 157.33],
  [200, 175.86], [300, 212.05], [400, 247.09], [500, 280.98], [600, 313.71], [700, 345.28],
  [800, 375.7], [850, 390.48],
];

/** The forward equation, written independently of the solver, to turn the table's rounding into °C. */
function ohmAt(t: number): number {
  return R0 * (1 + A * t + B * t * t + (t < 0 ? C * (t - 100) * t ** 3 : 0));
}

describe('callendar-van-dusen', () => {
  it('maps 100.00 Ω to 0 °C and 18.52 Ω to -200 °C within 0.01 °C (IEC 60751 Pt100 table)', () => {
    expect(Math.abs(callendarVanDusenCelsius(100.0, R0, A, B, C) - 0)).toBeLessThan(0.01);
    expect(Math.abs(callendarVanDusenCelsius(18.52, R0, A, B, C) - -200)).toBeLessThan(0.01);
  });

  it('maps every listed IEC 60751 row to its temperature within 0.01 °C plus the table\'s own 0.005 Ω rounding', () => {
    // 138.51 Ω is printed for 100 °C, whose exact resistance is 138.5055 Ω: the printed value
    // alone is 0.012 °C away. So the tolerance is 0.01 °C plus half a printed digit in °C.
    for (const [celsius, ohm] of IEC_60751_PT100) {
      const slope = (ohmAt(celsius + 0.01) - ohmAt(celsius - 0.01)) / 0.02; // Ω per °C
      const tolerance = 0.01 + 0.005 / slope;
      const got = callendarVanDusenCelsius(ohm, R0, A, B, C);
      expect(Math.abs(got - celsius), `${ohm} Ω → ${got} °C, table says ${celsius} °C`).toBeLessThanOrEqual(tolerance);
    }
  });

  it('inverts the unrounded equation to within a micro-degree from -200 °C to 850 °C, including below 0 °C where C applies', () => {
    for (let t = -200; t <= 850; t += 12.5) {
      expect(callendarVanDusenCelsius(ohmAt(t), R0, A, B, C)).toBeCloseTo(t, 6);
    }
  });

  it('uses the C term below 0 °C: the quadratic alone would be off by more than 0.1 °C at -200 °C', () => {
    const withoutC = callendarVanDusenCelsius(18.52, R0, A, B, 0);
    expect(Math.abs(withoutC - -200)).toBeGreaterThan(0.1);
  });

  it('rises with resistance across the whole IEC 60751 range, through 0 °C where the equation changes (property)', () => {
    fc.assert(fc.property(fc.double({ min: 18.52, max: 390.48, noNaN: true }), fc.double({ min: 18.52, max: 390.48, noNaN: true }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return callendarVanDusenCelsius(lo, R0, A, B, C) <= callendarVanDusenCelsius(hi, R0, A, B, C);
    }));
  });

  it('returns NaN for a resistance with no real temperature', () => {
    expect(callendarVanDusenCelsius(Number.NaN, R0, A, B, C)).toBeNaN();
    expect(callendarVanDusenCelsius(10_000, R0, A, B, C)).toBeNaN();
  });

  it('returns NaN for 0 Ω and below, where the quartic still has (unphysical) roots near -242 °C', () => {
    expect(callendarVanDusenCelsius(0, R0, A, B, C)).toBeNaN();
    expect(callendarVanDusenCelsius(-1, R0, A, B, C)).toBeNaN();
    expect(callendarVanDusenCelsius(0, R0, A, B, 0)).toBeNaN();
  });
});
