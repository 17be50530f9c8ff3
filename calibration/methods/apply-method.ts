// Applies one version's method to a raw value. Pure; never throws: a value the method
// cannot map (outside a table, no real root, non-positive resistance, a result that
// overflows a double) comes back as NaN and the caller reports out_of_range. The result is
// always a finite number or NaN, never ±Infinity.
import type { MethodParams } from '../profile.ts';
import { callendarVanDusenCelsius } from './callendar-van-dusen.ts';
import { linear } from './linear.ts';
import { polynomial } from './polynomial.ts';
import { KELVIN_AT_ZERO_CELSIUS, steinhartHartKelvin } from './steinhart-hart.ts';
import { table } from './table.ts';

/** `unit` is the profile's output unit; only steinhart-hart looks at it (kelvin or celsius). */
export function applyMethod(params: MethodParams, raw: number, unit: string): number {
  if (!Number.isFinite(raw)) return Number.NaN;
  const value = compute(params, raw, unit);
  return Number.isFinite(value) ? value : Number.NaN;
}

function compute(params: MethodParams, raw: number, unit: string): number {
  switch (params.method) {
    case 'linear':
      return linear(raw, params.gain, params.offset);
    case 'polynomial':
      return polynomial(raw, params.coefficients);
    case 'table':
      return table(raw, params.points, params.extrapolate);
    case 'steinhart-hart': {
      const kelvin = steinhartHartKelvin(raw, params.a, params.b, params.c);
      return unit === 'celsius' ? kelvin - KELVIN_AT_ZERO_CELSIUS : kelvin;
    }
    case 'callendar-van-dusen':
      return callendarVanDusenCelsius(raw, params.R0, params.A, params.B, params.C);
  }
}
