import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { table } from '../../../../calibration/methods/table.ts';

const CERT: readonly [number, number][] = [[-10, -9.6], [0, 0.3], [25, 24.9], [40, 39.7]];

/** Strictly increasing x and (for monotone tables) non-decreasing y, 2 to 8 points. */
const monotoneTable = fc.array(fc.tuple(fc.double({ min: 0.001, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true })), { minLength: 2, maxLength: 8 })
  .chain((steps) => fc.double({ min: -1000, max: 1000, noNaN: true }).map((start) => {
    let x = start;
    let y = start / 2;
    return steps.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x, y] as [number, number];
    });
  }))
  .filter((points) => points.every((p, i) => i === 0 || p[0] > points[i - 1]![0]));

describe('table', () => {
  it('returns the certificate value exactly at each reference point', () => {
    for (const [x, y] of CERT) expect(table(x, CERT, false)).toBe(y);
  });

  it('interpolates linearly between points (hand-computed: 12.5 → 0.3 + 24.6·12.5/25 = 12.6)', () => {
    expect(table(12.5, CERT, false)).toBeCloseTo(12.6, 12);
    // between 25 and 40: 24.9 + (39.7 - 24.9)·(30 - 25)/15 = 24.9 + 14.8/3 = 29.8333...
    expect(table(30, CERT, false)).toBeCloseTo(24.9 + 14.8 / 3, 12);
  });

  it('returns NaN outside the table when extrapolation is off', () => {
    expect(table(-10.001, CERT, false)).toBeNaN();
    expect(table(40.001, CERT, false)).toBeNaN();
  });

  it('extends the end segments when extrapolation is on (hand-computed: 50 → 39.7 + 14.8·10/15)', () => {
    expect(table(50, CERT, true)).toBeCloseTo(39.7 + (14.8 * 10) / 15, 12);
    // below: slope of the first segment is 9.9/10 = 0.99; -20 → -9.6 - 9.9 = -19.5
    expect(table(-20, CERT, true)).toBeCloseTo(-19.5, 12);
  });

  it('gives monotone output for a monotone table (property)', () => {
    fc.assert(fc.property(monotoneTable, fc.double({ min: -2000, max: 2000, noNaN: true }), fc.double({ min: -2000, max: 2000, noNaN: true }), fc.boolean(),
      (points, a, b, extrapolate) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const yLo = table(lo, points, extrapolate);
        const yHi = table(hi, points, extrapolate);
        if (Number.isNaN(yLo) || Number.isNaN(yHi)) return true;
        // One ulp-scale slack for rounding in the interpolation.
        return yLo <= yHi + 1e-9 * Math.max(1, Math.abs(yHi));
      }));
  });

  it('stays within the range of the table\'s values without extrapolation, or returns NaN (property)', () => {
    const anyTable = fc.uniqueArray(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 10 })
      .chain((xs) => fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: xs.length, maxLength: xs.length })
        .map((ys) => [...xs].sort((p, q) => p - q).map((x, i) => [x, ys[i]!] as [number, number])));
    fc.assert(fc.property(anyTable, fc.double({ min: -2e6, max: 2e6, noNaN: true }), (points, x) => {
      const y = table(x, points, false);
      if (Number.isNaN(y)) return x < points[0]![0] || x > points[points.length - 1]![0];
      const ys = points.map((p) => p[1]);
      const slack = 1e-9 * Math.max(1, ...ys.map(Math.abs));
      return y >= Math.min(...ys) - slack && y <= Math.max(...ys) + slack;
    }));
  });
});
