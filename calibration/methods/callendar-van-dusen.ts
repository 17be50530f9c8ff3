// Callendar–Van Dusen equation for platinum RTDs (IEC 60751), solved for temperature:
//   T >= 0 °C: R = R0·(1 + A·T + B·T²)                  → closed form (quadratic)
//   T <  0 °C: R = R0·(1 + A·T + B·T² + C·(T − 100)·T³) → quartic, solved by Newton's
//   method started from the quadratic solution, which is within a few tenths of a degree.
// Pure; never throws. A resistance with no real solution gives NaN, and so does one that is
// not a resistance at all (0 Ω or less: a shorted or miswired sensor). The quartic has
// roots there (0 Ω would be -242 °C for a Pt100) that are no temperature of any sensor.

const MAX_ITERATIONS = 50;
const TOLERANCE_CELSIUS = 1e-10;

export function callendarVanDusenCelsius(ohm: number, R0: number, A: number, B: number, C: number): number {
  if (!Number.isFinite(ohm) || !(ohm > 0) || !(R0 > 0)) return Number.NaN;
  const ratio = ohm / R0;
  const quadratic = solveQuadratic(ratio, A, B);
  if (Number.isNaN(quadratic)) return Number.NaN;
  if (ratio >= 1 || C === 0) return onBranch(quadratic, ratio);
  let t = quadratic;
  for (let i = 0; i < MAX_ITERATIONS; i += 1) {
    const f = 1 + A * t + B * t * t + C * (t - 100) * t * t * t - ratio;
    // d/dT of C·(T − 100)·T³ = C·(4T³ − 300T²)
    const df = A + 2 * B * t + C * (4 * t * t * t - 300 * t * t);
    if (df === 0) return Number.NaN;
    const step = f / df;
    t -= step;
    if (Math.abs(step) < TOLERANCE_CELSIUS) return onBranch(t, ratio);
  }
  return Number.NaN;
}

/**
 * Each form of the equation holds on its own side of 0 °C (R ≥ R0 there, R < R0 below):
 * a root on the other side, or an overflow, is not the sensor's temperature.
 */
function onBranch(t: number, ratio: number): number {
  if (!Number.isFinite(t)) return Number.NaN;
  return (ratio >= 1 ? t >= 0 : t <= 0) ? t : Number.NaN;
}

/** Root of 1 + A·T + B·T² = ratio nearest 0 °C (the physical branch). */
function solveQuadratic(ratio: number, A: number, B: number): number {
  if (B === 0) return A === 0 ? Number.NaN : (ratio - 1) / A;
  const discriminant = A * A - 4 * B * (1 - ratio);
  if (discriminant < 0) return Number.NaN;
  return (-A + Math.sqrt(discriminant)) / (2 * B);
}
