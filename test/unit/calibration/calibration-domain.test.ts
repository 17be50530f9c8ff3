// Issue 16, finding 5: a method refuses inputs outside its physical domain as out_of_range,
// whatever the profile says (here: no input_range at all), and no input makes calibrate
// return NaN or Infinity or throw anything but a CalibrationError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../../calibration/calibrate.ts';
import { CalibrationError } from '../../../calibration/errors.ts';
import { profileSetOf } from '../../../calibration/profile.ts';
import type { MethodParams, ProfileSet } from '../../../calibration/profile.ts';
import { parseProfile } from '../../../calibration/profile-parser.ts';

const TS = Date.UTC(2026, 0, 1);

function parsed(sensor: string, body: string): ProfileSet {
  const result = parseProfile(`${sensor}.yaml`, `sensor: ${sensor}\n${body}`);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return profileSetOf([result.profile]);
}

// No input_range and no limits: only the method's own domain stands between a bad raw value and a number.
const PT100 = parsed('rtd', 'input_unit: ohm\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: callendar-van-dusen, R0: 100, A: 3.9083e-3, B: -5.775e-7, C: -4.183e-12}\n');
const NTC = parsed('ntc', 'input_unit: ohm\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: steinhart-hart, a: 1.129241e-3, b: 2.341077e-4, c: 8.775468e-8}\n');

const at = (sensorId: string, value: number) => ({ sensorId, ts: TS, value, unit: 'ohm' });

describe('calibration domain (issue 16)', () => {
  it('refuses 0 Ω and negative resistances from a Pt100 without input_range as out_of_range (was ok at -242 °C and -244 °C)', () => {
    for (const ohm of [0, -0, -1, -100, -1e300, Number.MIN_VALUE * -1]) {
      expect(calibrate(at('rtd', ohm), PT100), `${ohm} Ω`).toMatchObject({ value: null, status: 'out_of_range' });
    }
    expect(calibrate(at('rtd', 100), PT100)).toMatchObject({ status: 'ok' });
    expect(calibrate(at('rtd', 100), PT100).value).toBeCloseTo(0, 9);
    expect(calibrate(at('rtd', 18.52), PT100).value).toBeCloseTo(-200, 2);
  });

  it('refuses a resistance with no real temperature on the equation\'s branch (negative discriminant) as out_of_range', () => {
    expect(calibrate(at('rtd', 1e6), PT100)).toMatchObject({ value: null, status: 'out_of_range' });
    // A > 0, B > 0 has no root at all for ratio < 1 - A²/4B; and a root on the wrong side of 0 °C is refused too.
    const odd = parsed('odd', 'input_unit: ohm\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: callendar-van-dusen, R0: 100, A: -1e-3, B: 1e-6, C: 0}\n');
    expect(calibrate(at('odd', 150), odd)).toMatchObject({ status: 'ok' });
    expect(calibrate(at('odd', 99), odd).status).toBe('out_of_range');
  });

  it('refuses 0 Ω and negative resistances from a thermistor without input_range as out_of_range', () => {
    for (const ohm of [0, -1, -32650.9]) {
      expect(calibrate(at('ntc', ohm), NTC), `${ohm} Ω`).toMatchObject({ value: null, status: 'out_of_range' });
    }
  });

  it('refuses a polynomial or linear result that overflows a double as out_of_range', () => {
    const poly = parsed('p', 'input_unit: v\nunit: v\nversions:\n  - {valid_from: 2025-01-01, method: polynomial, coefficients: [0, 0, 0, 1]}\n');
    expect(calibrate({ sensorId: 'p', ts: TS, value: 1e200, unit: null }, poly)).toMatchObject({ value: null, status: 'out_of_range' });
    const lin = parsed('l', 'input_unit: v\nunit: v\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1e300, offset: 0}\n');
    expect(calibrate({ sensorId: 'l', ts: TS, value: 1e300, unit: null }, lin)).toMatchObject({ value: null, status: 'out_of_range' });
    const table = parsed('t', 'input_unit: v\nunit: v\nversions:\n  - {valid_from: 2025-01-01, method: table, extrapolate: true, points: [[0, -1e308], [1, 1e308]]}\n');
    expect(calibrate({ sensorId: 't', ts: TS, value: 0.5, unit: null }, table)).toMatchObject({ value: null, status: 'out_of_range' });
  });
});

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const anyParams: fc.Arbitrary<MethodParams> = fc.oneof(
  fc.record({ method: fc.constant('linear' as const), gain: finite, offset: finite }),
  fc.record({ method: fc.constant('polynomial' as const), coefficients: fc.array(finite, { minLength: 1, maxLength: 6 }) }),
  fc.record({
    method: fc.constant('table' as const),
    points: fc.uniqueArray(finite, { minLength: 2, maxLength: 8, comparator: (a, b) => a === b })
      .chain((xs) => fc.array(finite, { minLength: xs.length, maxLength: xs.length })
        .map((ys) => [...xs].sort((a, b) => a - b).map((x, i) => [x, ys[i]!] as const))),
    extrapolate: fc.boolean(),
  }),
  fc.record({ method: fc.constant('steinhart-hart' as const), a: finite, b: finite, c: finite }),
  fc.record({ method: fc.constant('callendar-van-dusen' as const), R0: finite, A: finite, B: finite, C: finite }),
);
// Values near a real sensor's as well as the extremes of a double.
const anyRaw = fc.oneof(finite, fc.double({ min: -1000, max: 1000, noNaN: true }), fc.constantFrom(0, -0, 1, -1, 100, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE));

describe('calibrate on any finite input (property)', () => {
  it('returns a finite value with status ok, or out_of_range with null, or throws a CalibrationError: never NaN or Infinity', () => {
    fc.assert(fc.property(anyParams, anyRaw, fc.constantFrom('celsius', 'kelvin'), (params, value, unit) => {
      // -0 and the table's sorted duplicates (uniqueArray treats 0 and -0 as distinct) would break the parser's guarantee.
      if (params.method === 'table' && params.points.some((p, i) => i > 0 && !(p[0] > params.points[i - 1]![0]))) return;
      const set = profileSetOf([{
        sensor: 's', description: null, file: 's.yaml',
        versions: [{ sensor: 's', validFrom: 0, inputUnit: 'x', unit, params, inputRange: null, limits: null, certificate: null, notes: null, identity: 's@x' }],
      }]);
      let result;
      try {
        result = calibrate({ sensorId: 's', ts: TS, value, unit: null }, set);
      } catch (error) {
        expect(error).toBeInstanceOf(CalibrationError);
        return;
      }
      if (result.status === 'ok') expect(Number.isFinite(result.value)).toBe(true);
      else expect(result).toMatchObject({ status: 'out_of_range', value: null });
    }), { numRuns: 2000 });
  });
});
