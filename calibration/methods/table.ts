// Table calibration: piecewise-linear interpolation through reference points (raw, true),
// as printed on a calibration certificate. Pure; never throws. Outside the table the
// result is NaN (the caller reports out_of_range) unless extrapolation is asked for,
// which extends the first or last segment.

/** `points` must have at least two entries with strictly increasing x (the parser guarantees it). */
export function table(raw: number, points: readonly (readonly [number, number])[], extrapolate: boolean): number {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (Number.isNaN(raw)) return Number.NaN;
  if (raw < first[0] || raw > last[0]) {
    if (!extrapolate) return Number.NaN;
    return raw < first[0] ? through(points[0]!, points[1]!, raw) : through(points[points.length - 2]!, last, raw);
  }
  // Binary search for the segment [x_i, x_{i+1}] containing raw.
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= raw) lo = mid;
    else hi = mid;
  }
  return through(points[lo]!, points[hi]!, raw);
}

function through(p: readonly [number, number], q: readonly [number, number], x: number): number {
  if (x === p[0]) return p[1];
  if (x === q[0]) return q[1];
  return p[1] + ((q[1] - p[1]) * (x - p[0])) / (q[0] - p[0]);
}
