// Polynomial calibration: value = c0 + c1·x + c2·x² + … + cn·xⁿ. Pure; never throws.
// Horner's scheme: fewer operations and less rounding than summing powers.

export function polynomial(raw: number, coefficients: readonly number[]): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i -= 1) {
    value = value * raw + coefficients[i]!;
  }
  return value;
}
