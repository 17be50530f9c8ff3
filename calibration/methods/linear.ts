// Linear calibration: value = gain · raw + offset. Pure; never throws.

export function linear(raw: number, gain: number, offset: number): number {
  return gain * raw + offset;
}
