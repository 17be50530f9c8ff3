import { describe, expect, it } from 'vitest';
import { calibrateRecord } from '../../../calibration/calibrate-record.ts';
import { profileSetOf } from '../../../calibration/profile.ts';
import { parseProfile } from '../../../calibration/profile-parser.ts';

const parsed = parseProfile('s1.yaml', 'sensor: s1\ninput_unit: celsius\nunit: celsius\nlimits: {max: 50}\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: -0.5}\n');
if (!parsed.ok) throw new Error('fixture profile invalid');
const profiles = profileSetOf([parsed.profile]);
const NOW = Date.parse('2026-11-29T05:00:00Z');
const TS = Date.parse('2026-11-29T04:00:00Z');
const key = (s = 's1', ts = TS): Buffer => Buffer.from(`${s}|${ts}`);
const value = (json: unknown): Buffer => Buffer.from(JSON.stringify(json));

describe('calibrateRecord', () => {
  it('calibrates a valid reading under the raw key, with the version identity and calibrated_at = now', () => {
    const outcome = calibrateRecord({ key: key(), value: value({ sensor_id: 's1', ts: TS, value: 21.5, unit: 'celsius' }) }, profiles, NOW);
    expect(outcome.kind).toBe('calibrated');
    if (outcome.kind !== 'calibrated') return;
    expect(outcome.key).toEqual(key());
    expect(JSON.parse(outcome.value.toString())).toEqual({
      sensor_id: 's1', ts: '2026-11-29T04:00:00.000Z', raw_value: 21.5, value: 21, unit: 'celsius', status: 'ok',
      profile: parsed.ok ? parsed.profile.versions[0]!.identity : '', calibrated_at: '2026-11-29T05:00:00.000Z',
    });
  });

  it('passes a tombstone on as a tombstone under the same key', () => {
    expect(calibrateRecord({ key: key(), value: null }, profiles, NOW)).toEqual({ kind: 'tombstone', key: key() });
  });

  it('dead-letters a keyless tombstone with MISSING_KEY', () => {
    const outcome = calibrateRecord({ key: null, value: null }, profiles, NOW);
    expect(outcome.kind === 'dead-letter' && outcome.error.code).toBe('MISSING_KEY');
  });

  it('dead-letters bad input with the parser\'s code, and a unit the profile does not take with UNIT_MISMATCH', () => {
    const bad = calibrateRecord({ key: key(), value: Buffer.from('{"sensor_id":"s1","ts":') }, profiles, NOW);
    expect(bad.kind === 'dead-letter' && bad.error.code).toBe('NOT_JSON');
    const unit = calibrateRecord({ key: key(), value: value({ sensor_id: 's1', ts: TS, value: 70, unit: 'fahrenheit' }) }, profiles, NOW);
    expect(unit.kind === 'dead-letter' && unit.error.code).toBe('UNIT_MISMATCH');
  });

  it('sends out_of_range and uncalibrated readings on, not to the DLQ', () => {
    const high = calibrateRecord({ key: key(), value: value({ sensor_id: 's1', ts: TS, value: 99 }) }, profiles, NOW);
    expect(high.kind === 'calibrated' && high.message.status).toBe('out_of_range');
    const other = calibrateRecord({ key: key('s2'), value: value({ sensor_id: 's2', ts: TS, value: 1 }) }, profiles, NOW);
    expect(other.kind === 'calibrated' && other.message).toMatchObject({ status: 'uncalibrated', value: 1, profile: null });
  });
});
