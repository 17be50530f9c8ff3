// Callendar–Van Dusen equation for platinum RTDs (IEC 60751), solved for temperature:
//   T >= 0 °C: R = R0·(1 + A·T + B·T²)                  → closed form (quadratic)
//   T <  0 °C: R = R0·(1 + A·T + B·T² + C·(T − 100)·T³) → quartic, solved by Newton's
//   method started from the quadratic solution, which is within a few tenths of a degree.
// Pure; never throws. A resistance with no real solution gives NaN.

const MAX_ITERATIONS = 50;
const TOLERANCE_CELSIUS = 1e-10;

export function callendarVanDusenCelsius(ohm: number, R0: number, A: number, B: number, C: number): number {
  if (!Number.isFinite(ohm) || !(R0 > 0)) return Number.NaN;
  const ratio = ohm / R0;
  const quadratic = solveQuadratic(ratio, A, B);
  if (ratio >= 1 || C === 0 || Number.isNaN(quadratic)) return quadratic;
  let t = quadratic;
  for (let i = 0; i < MAX_ITERATIONS; i += 1) {
    const f = 1 + A * t + B * t * t + C * (t - 100) * t * t * t - ratio;
    // d/dT of C·(T − 100)·T³ = C·(4T³ − 300T²)
    const df = A + 2 * B * t + C * (4 * t * t * t - 300 * t * t);
    if (df === 0) return Number.NaN;
    const step = f / df;
    t -= step;
    if (Math.abs(step) < TOLERANCE_CELSIUS) return t;
  }
  return Number.NaN;
}

/** Root of 1 + A·T + B·T² = ratio nearest 0 °C (the physical branch). */
function solveQuadratic(ratio: number, A: number, B: number): number {
  if (B === 0) return A === 0 ? Number.NaN : (ratio - 1) / A;
  const discriminant = A * A - 4 * B * (1 - ratio);
  if (discriminant < 0) return Number.NaN;
  return (-A + Math.sqrt(discriminant)) / (2 * B);
}
