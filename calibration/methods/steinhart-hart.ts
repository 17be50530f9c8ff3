// Steinhart–Hart thermistor equation, resistance in ohm → temperature in kelvin:
//   1/T = a + b·ln R + c·(ln R)³
// Pure; never throws. A non-positive resistance (an open or shorted wire) gives NaN.

export const KELVIN_AT_ZERO_CELSIUS = 273.15;

export function steinhartHartKelvin(ohm: number, a: number, b: number, c: number): number {
  if (!(ohm > 0) || !Number.isFinite(ohm)) return Number.NaN;
  const ln = Math.log(ohm);
  const inverse = a + b * ln + c * ln * ln * ln;
  if (!(inverse > 0)) return Number.NaN;
  const kelvin = 1 / inverse;
  return Number.isFinite(kelvin) ? kelvin : Number.NaN;
}
