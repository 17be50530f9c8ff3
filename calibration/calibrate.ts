// Calibrates one valid raw reading with the profile version in force at the reading's ts.
// Pure: the profile set is passed in and nothing is read or written. It must never
// guess: no profile means uncalibrated (raw value kept), anything outside a version's
// ranges or the method's domain means out_of_range (value null).
import { CalibrationError } from './errors.ts';
import { applyMethod } from './methods/apply-method.ts';
import { versionAt } from './profile.ts';
import type { Bounds, ProfileSet } from './profile.ts';
import type { RawReading } from './raw-reading.ts';

export const CalibrationStatuses = ['ok', 'uncalibrated', 'out_of_range'] as const;
export type CalibrationStatus = (typeof CalibrationStatuses)[number];

export interface CalibrationResult {
  /** The calibrated value; the raw value when uncalibrated; null when out_of_range. */
  value: number | null;
  status: CalibrationStatus;
  /** The identity of the version applied (`sensor@valid_from#hash`), null when uncalibrated. */
  profile: string | null;
  /** The unit of `value`: the profile's unit, or the reading's own when uncalibrated. */
  unit: string | null;
}

/**
 * @throws CalibrationError UNIT_MISMATCH when the reading states a unit other than the
 *   version's input unit: calibrating it would produce a wrong number that looks right.
 */
export function calibrate(reading: Pick<RawReading, 'sensorId' | 'ts' | 'value' | 'unit'>, profiles: ProfileSet): CalibrationResult {
  const profile = profiles.profiles.get(reading.sensorId);
  const version = profile === undefined ? undefined : versionAt(profile, reading.ts);
  if (version === undefined) {
    return { value: reading.value, status: 'uncalibrated', profile: null, unit: reading.unit };
  }
  if (reading.unit !== null && reading.unit !== version.inputUnit) {
    throw new CalibrationError('UNIT_MISMATCH',
      `reading of ${reading.sensorId} is in "${reading.unit}" but ${version.identity} takes "${version.inputUnit}"`);
  }
  const outOfRange: CalibrationResult = { value: null, status: 'out_of_range', profile: version.identity, unit: version.unit };
  if (!within(reading.value, version.inputRange)) return outOfRange;
  const value = applyMethod(version.params, reading.value, version.unit);
  if (!Number.isFinite(value) || !within(value, version.limits)) return outOfRange;
  return { value, status: 'ok', profile: version.identity, unit: version.unit };
}

function within(x: number, bounds: Bounds | null): boolean {
  if (bounds === null) return true;
  return !(bounds.min !== undefined && x < bounds.min) && !(bounds.max !== undefined && x > bounds.max);
}
