import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KELVIN_AT_ZERO_CELSIUS, steinhartHartKelvin } from '../../../../calibration/methods/steinhart-hart.ts';

// Source: Campbell Scientific, "Model 109SS Temperature Probe" instruction manual:
// section 6 gives the Steinhart–Hart coefficients of its Therm109 instruction, and
// Appendix C, Table C-1 "109SS Thermistor Resistance and Temperature" lists the
// 10K3MCD1 thermistor's resistance at each actual temperature. (The same coefficients are
// in Campbell's FAQ "How can measurements be made using a 107, 108, or 109 temperature
// sensor/probe with a measurement device other than a Campbell Scientific data logger?")
const A = 1.129241e-3;
const B = 2.341077e-4;
const C = 8.775468e-8;

const TABLE_C1: readonly [celsius: number, ohm: number][] = [
  [-40, 336103.2], [-35, 242430.2], [-30, 176804.8], [-25, 130307.6], [-20, 97006.9],
  [-15, 72911.1], [-10, 55303.9], [-5, 42316.7], [-1, 34366.6], [0, 32650.9], [1, 31030.8],
];

describe('steinhart-hart', () => {
  it('reproduces the Campbell Scientific 109SS table (10K3MCD1 thermistor) within 0.01 °C', () => {
    for (const [celsius, ohm] of TABLE_C1) {
      const got = steinhartHartKelvin(ohm, A, B, C) - KELVIN_AT_ZERO_CELSIUS;
      expect(Math.abs(got - celsius), `${ohm} Ω → ${got} °C, table says ${celsius} °C`).toBeLessThan(0.01);
    }
  });

  it('falls as resistance rises, as an NTC thermistor does (property)', () => {
    fc.assert(fc.property(fc.double({ min: 100, max: 1e6, noNaN: true }), fc.double({ min: 100, max: 1e6, noNaN: true }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return steinhartHartKelvin(lo, A, B, C) >= steinhartHartKelvin(hi, A, B, C);
    }));
  });

  it('gives kelvin: 32650.9 Ω is 273.15 K', () => {
    expect(steinhartHartKelvin(32650.9, A, B, C)).toBeCloseTo(273.15, 2);
  });

  it('returns NaN for a zero or negative resistance (a shorted or open wire)', () => {
    expect(steinhartHartKelvin(0, A, B, C)).toBeNaN();
    expect(steinhartHartKelvin(-5, A, B, C)).toBeNaN();
  });
});
