import { describe, expect, it } from 'vitest';
import { calibrate } from '../../../calibration/calibrate.ts';
import { CalibrationError } from '../../../calibration/errors.ts';
import { profileSetOf } from '../../../calibration/profile.ts';
import type { Profile, ProfileSet } from '../../../calibration/profile.ts';
import { parseProfile } from '../../../calibration/profile-parser.ts';

function setOf(...sources: [file: string, source: string][]): ProfileSet {
  return profileSetOf(sources.map(([file, source]) => {
    const result = parseProfile(file, source);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.profile;
  }));
}

const DRIFTING = `sensor: s1
input_unit: celsius
unit: celsius
limits: {min: -40, max: 85}
versions:
  - valid_from: 2025-01-01T00:00:00Z
    method: linear
    gain: 1
    offset: -0.1
  - valid_from: 2025-07-01T00:00:00Z
    method: linear
    gain: 1
    offset: -0.4
  - valid_from: 2026-01-01T00:00:00Z
    method: table
    points: [[0, 0], [50, 49]]
    input_range: {min: -10, max: 60}
`;
const profiles = setOf(['s1.yaml', DRIFTING]);
const version = (i: number): string => (profiles.profiles.get('s1') as Profile).versions[i]!.identity;
const reading = (ts: string, value: number, unit: string | null = null) => ({ sensorId: 's1', ts: Date.parse(ts), value, unit });

describe('calibrate', () => {
  it('uses the version whose valid_from is the latest at or before the reading ts', () => {
    expect(calibrate(reading('2025-03-01T00:00:00Z', 20), profiles)).toEqual({ value: 19.9, status: 'ok', profile: version(0), unit: 'celsius' });
    expect(calibrate(reading('2025-07-01T00:00:00Z', 20), profiles)).toMatchObject({ value: 19.6, profile: version(1) });
    expect(calibrate(reading('2025-06-30T23:59:59.999Z', 20), profiles)).toMatchObject({ profile: version(0) });
    expect(calibrate(reading('2026-02-01T00:00:00Z', 25), profiles)).toMatchObject({ value: 24.5, profile: version(2) });
  });

  it('is uncalibrated, keeping the raw value, before the first version', () => {
    expect(calibrate(reading('2024-12-31T23:59:59Z', 20, 'celsius'), profiles)).toEqual({ value: 20, status: 'uncalibrated', profile: null, unit: 'celsius' });
  });

  it('is uncalibrated for a sensor with no profile', () => {
    expect(calibrate({ sensorId: 'nobody', ts: Date.UTC(2026, 0, 1), value: 3.5, unit: null }, profiles))
      .toEqual({ value: 3.5, status: 'uncalibrated', profile: null, unit: null });
  });

  it('is out_of_range with a null value when the calibrated value breaks the plausibility limits', () => {
    expect(calibrate(reading('2025-03-01T00:00:00Z', 90), profiles)).toEqual({ value: null, status: 'out_of_range', profile: version(0), unit: 'celsius' });
  });

  it('is out_of_range outside the version\'s valid input range, and outside a table without extrapolation', () => {
    expect(calibrate(reading('2026-02-01T00:00:00Z', -11), profiles).status).toBe('out_of_range');
    expect(calibrate(reading('2026-02-01T00:00:00Z', 55), profiles).status).toBe('out_of_range');
    expect(calibrate(reading('2026-02-01T00:00:00Z', 50), profiles).status).toBe('ok');
  });

  it('refuses a reading in another unit than the version takes, with UNIT_MISMATCH', () => {
    expect(() => calibrate(reading('2025-03-01T00:00:00Z', 68, 'fahrenheit'), profiles)).toThrow(CalibrationError);
    try {
      calibrate(reading('2025-03-01T00:00:00Z', 68, 'fahrenheit'), profiles);
    } catch (error) {
      expect((error as CalibrationError).code).toBe('UNIT_MISMATCH');
    }
  });

  it('converts a thermistor in ohm to celsius and a Pt100 in ohm to celsius', () => {
    const set = setOf(
      ['t.yaml', 'sensor: t\ninput_unit: ohm\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: steinhart-hart, a: 1.129241e-3, b: 2.341077e-4, c: 8.775468e-8}\n'],
      ['k.yaml', 'sensor: k\ninput_unit: ohm\nunit: kelvin\nversions:\n  - {valid_from: 2025-01-01, method: steinhart-hart, a: 1.129241e-3, b: 2.341077e-4, c: 8.775468e-8}\n'],
      ['r.yaml', 'sensor: r\ninput_unit: ohm\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: callendar-van-dusen, R0: 100, A: 3.9083e-3, B: -5.775e-7, C: -4.183e-12}\n'],
    );
    const ts = Date.UTC(2026, 0, 1);
    expect(calibrate({ sensorId: 't', ts, value: 32650.9, unit: 'ohm' }, set).value).toBeCloseTo(0, 2);
    expect(calibrate({ sensorId: 'k', ts, value: 32650.9, unit: null }, set).value).toBeCloseTo(273.15, 2);
    expect(calibrate({ sensorId: 'r', ts, value: 18.52, unit: 'ohm' }, set).value).toBeCloseTo(-200, 2);
    expect(calibrate({ sensorId: 't', ts, value: 0, unit: 'ohm' }, set).status).toBe('out_of_range'); // 0 Ω: no temperature
  });
});
