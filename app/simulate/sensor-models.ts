// The demo fleet's physics: for each sensor, its true quantity over time and what the
// sensor reports for it (raw). Written from the sensors' error models (the table in
// calibration-profiles/README.md), NOT from the profiles or the calibration code, so that
// "calibrated ≈ true" is a real check of the calibration. Pure and deterministic.

export interface SensorModel {
  id: string;
  /** Unit of the raw value the sensor sends. */
  rawUnit: string;
  /** Unit of the true (and calibrated) value. */
  unit: string;
  /** Daily cycle: mean, amplitude, hour of the peak (UTC). */
  mean: number;
  amplitude: number;
  peakHour: number;
  /** Standard deviation of the slow random variation of the true value. */
  wander: number;
  /** The raw value the sensor reports for true value `t` at time `tsMs`; NaN when it cannot. */
  raw(t: number, tsMs: number): number;
  /** Decimal places the sensor reports. */
  decimals: number;
}

const D = Date.parse;

function drifting(t: number, tsMs: number): number {
  if (tsMs < D('2025-07-01T00:00:00Z')) return t + 0.1;
  if (tsMs < D('2026-01-01T00:00:00Z')) return t + 0.4;
  if (tsMs < D('2026-07-01T00:00:00Z')) return t + 0.7;
  return (t + 0.9) / 0.995;
}

/** Linear interpolation through points [x, y], extended along the end segments. */
function interpolate(points: readonly (readonly [number, number])[], x: number): number {
  const n = points.length;
  let i = 1;
  while (i < n - 1 && x > points[i]![0]) i++;
  const [x0, y0] = points[i - 1]!;
  const [x1, y1] = points[i]!;
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/** NTC resistance at temperature t °C: Steinhart–Hart solved for R (the cubic in ln R). */
function thermistorOhm(t: number): number {
  const a = 1.129241e-3, b = 2.341077e-4, c = 8.775468e-8;
  const x = (a - 1 / (t + 273.15)) / c;
  const y = Math.sqrt((b / (3 * c)) ** 3 + (x * x) / 4);
  return Math.exp(Math.cbrt(y - x / 2) - Math.cbrt(y + x / 2));
}

/** Pt100 resistance at t °C: the Callendar–Van Dusen equation of IEC 60751. */
function pt100Ohm(t: number): number {
  const A = 3.9083e-3, B = -5.775e-7, C = -4.183e-12;
  return 100 * (1 + A * t + B * t * t + (t < 0 ? C * (t - 100) * t ** 3 : 0));
}

const humidityTable = [[0, 0], [11.3, 12.5], [32.8, 34.8], [57.6, 59.1], [75.3, 74.2], [84.3, 81.9], [97, 92]] as const;
const kitchenTable = [[-9.6, -10], [0.3, 0], [24.9, 25], [39.7, 40]] as const;
const co2Table = [[410, 400], [1030, 1000], [2090, 2000], [5320, 5000]] as const;

export const demoFleet: readonly SensorModel[] = [
  { id: 'sensor-001', rawUnit: 'celsius', unit: 'celsius', mean: 21, amplitude: 1.5, peakHour: 16, wander: 0.3, decimals: 3, raw: (t) => t + 0.5 },
  { id: 'sensor-002', rawUnit: 'celsius', unit: 'celsius', mean: 19, amplitude: 1.2, peakHour: 17, wander: 0.3, decimals: 3, raw: (t) => 1.03 * t },
  {
    id: 'sensor-003', rawUnit: 'celsius', unit: 'celsius', mean: 12, amplitude: 6, peakHour: 15, wander: 1, decimals: 4,
    raw: (t) => (-0.98 + Math.sqrt(0.9604 + 0.002 * (t - 0.4))) / 0.001,
  },
  { id: 'sensor-004', rawUnit: 'percent', unit: 'percent', mean: 62, amplitude: 12, peakHour: 7, wander: 3, decimals: 2, raw: (t) => interpolate(humidityTable, t) },
  { id: 'sensor-005', rawUnit: 'celsius', unit: 'celsius', mean: 18, amplitude: 8, peakHour: 15, wander: 1, decimals: 4, raw: drifting },
  { id: 'sensor-006', rawUnit: 'ohm', unit: 'celsius', mean: 20, amplitude: 7, peakHour: 14, wander: 0.8, decimals: 2, raw: thermistorOhm },
  { id: 'sensor-007', rawUnit: 'ohm', unit: 'celsius', mean: 55, amplitude: 15, peakHour: 7, wander: 2, decimals: 4, raw: pt100Ohm },
  { id: 'sensor-008', rawUnit: 'celsius', unit: 'celsius', mean: 20, amplitude: 4, peakHour: 15, wander: 0.5, decimals: 2, raw: (t) => t },
  { id: 'sensor-009', rawUnit: 'hpa', unit: 'hpa', mean: 1012, amplitude: 4, peakHour: 10, wander: 6, decimals: 3, raw: (t) => (t + 1.8) / 1.002 },
  {
    id: 'sensor-010', rawUnit: 'celsius', unit: 'celsius', mean: 24, amplitude: 4, peakHour: 19, wander: 1, decimals: 4,
    raw: (t, ts) => (ts < D('2025-06-01T00:00:00Z') ? (t - 2.5) / 0.98 : interpolate(kitchenTable, t)),
  },
  { id: 'sensor-011', rawUnit: 'ppm', unit: 'ppm', mean: 900, amplitude: 400, peakHour: 14, wander: 80, decimals: 1, raw: (t) => interpolate(co2Table, t) },
  { id: 'sensor-012', rawUnit: 'celsius', unit: 'celsius', mean: -18, amplitude: 0.8, peakHour: 3, wander: 0.3, decimals: 3, raw: (t) => t - 1.2 },
];

/** Sensors beyond the demo fleet: plain thermometers with a small offset and no profile. */
export function extraSensor(index: number): SensorModel {
  const id = `sensor-${String(index).padStart(3, '0')}`;
  const offset = ((index * 37) % 11) / 10 - 0.5;
  return { id, rawUnit: 'celsius', unit: 'celsius', mean: 20, amplitude: 3, peakHour: 15, wander: 0.5, decimals: 2, raw: (t) => t + offset };
}

export function fleet(count: number): SensorModel[] {
  return Array.from({ length: count }, (_, i) => demoFleet[i] ?? extraSensor(i + 1));
}
