import { describe, expect, it } from 'vitest';
import { calibrate } from '../../../../calibration/calibrate.ts';
import { loadProfiles } from '../../../../app/profile-files/profile-loader.ts';
import { DEMO_FLEET_DIR } from '../../../helpers/demo-fleet.ts';

// calibration-profiles/README.md tells the simulator how each demo sensor errs (raw as a
// function of the true value). These are those formulas, typed in again from the README:
// if a profile or the README changes without the other, this fails.
const shOhm = (celsius: number): number => {
  const [a, b, c] = [1.129241e-3, 2.341077e-4, 8.775468e-8];
  const x = (a - 1 / (celsius + 273.15)) / c;
  const y = Math.sqrt((b / (3 * c)) ** 3 + (x * x) / 4);
  return Math.exp(Math.cbrt(y - x / 2) - Math.cbrt(y + x / 2));
};
const pt100Ohm = (t: number): number => 100 * (1 + 3.9083e-3 * t - 5.775e-7 * t * t + (t < 0 ? -4.183e-12 * (t - 100) * t ** 3 : 0));

const at = (iso: string): number => Date.parse(iso);
const CASES: [sensor: string, ts: number, raw: number, truth: number | null, status: string][] = [
  ['sensor-001', at('2026-09-01T00:00:00Z'), 21 + 0.5, 21, 'ok'],
  ['sensor-002', at('2026-09-01T00:00:00Z'), 1.03 * 19, 19, 'ok'],
  ['sensor-003', at('2026-09-01T00:00:00Z'), (-0.98 + Math.sqrt(0.9604 + 0.002 * (30 - 0.4))) / 0.001, 30, 'ok'],
  ['sensor-004', at('2026-09-01T00:00:00Z'), 59.1, 57.6, 'ok'],
  ['sensor-004', at('2026-09-01T00:00:00Z'), 93, null, 'out_of_range'],
  ['sensor-005', at('2025-03-01T00:00:00Z'), 20 + 0.1, 20, 'ok'],
  ['sensor-005', at('2025-09-01T00:00:00Z'), 20 + 0.4, 20, 'ok'],
  ['sensor-005', at('2026-03-01T00:00:00Z'), 20 + 0.7, 20, 'ok'],
  ['sensor-005', at('2026-09-01T00:00:00Z'), (20 + 0.9) / 0.995, 20, 'ok'],
  ['sensor-006', at('2026-09-01T00:00:00Z'), shOhm(25), 25, 'ok'],
  ['sensor-007', at('2026-09-01T00:00:00Z'), pt100Ohm(65), 65, 'ok'],
  ['sensor-008', at('2026-09-01T00:00:00Z'), 22.2, 22.2, 'uncalibrated'],
  ['sensor-009', at('2026-09-01T00:00:00Z'), (1013 + 1.8) / 1.002, 1013, 'ok'],
  ['sensor-010', at('2025-03-01T00:00:00Z'), (20 - 2.5) / 0.98, 20, 'ok'],
  ['sensor-010', at('2025-09-01T00:00:00Z'), 25, 24.9, 'ok'],
  ['sensor-011', at('2026-09-01T00:00:00Z'), 2000, 2090, 'ok'],
  ['sensor-012', at('2026-09-01T00:00:00Z'), -18 - 1.2, -18, 'ok'],
  ['sensor-012', at('2026-09-01T00:00:00Z'), 15 - 1.2, null, 'out_of_range'],
];

describe('demo fleet profiles', () => {
  it('invert the error models documented for the simulator in calibration-profiles/README.md', async () => {
    const { set } = await loadProfiles(DEMO_FLEET_DIR);
    for (const [sensor, ts, raw, truth, status] of CASES) {
      const result = calibrate({ sensorId: sensor, ts, value: raw, unit: null }, set);
      expect(result.status, `${sensor} at ${new Date(ts).toISOString()}`).toBe(status);
      if (truth === null) expect(result.value).toBeNull();
      else expect(result.value, `${sensor} raw ${raw}`).toBeCloseTo(truth, 6);
    }
  });
});
