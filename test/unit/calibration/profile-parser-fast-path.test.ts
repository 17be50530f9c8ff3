// The profile parser's fast path (js-yaml) must never change a verdict or a value: every
// profile it takes is the one the full parser (yaml, with positions) gives, and every file it
// cannot take goes to the full parser, whose messages are the ones reported.
import { describe, expect, it } from 'vitest';
import { parseProfile, parseProfileWithPlaces } from '../../../calibration/profile-parser.ts';
import { fleetProfileYaml, linearProfileYaml } from '../../helpers/profile-fleet.ts';

const file = (sensor: string): string => `/profiles/${sensor}.yaml`;

/** Both parsers' results, comparable (functions and undefined dropped by the JSON round trip). */
function both(sensor: string, source: string): { fast: unknown; full: unknown } {
  return {
    fast: JSON.parse(JSON.stringify(parseProfile(file(sensor), source))) as unknown,
    full: JSON.parse(JSON.stringify(parseProfileWithPlaces(file(sensor), source))) as unknown,
  };
}

describe('the profile parser fast path', () => {
  it('gives the full parser\'s profile for generated profiles of all five methods', () => {
    for (let i = 0; i < 50; i += 1) {
      const source = fleetProfileYaml(i);
      const sensor = /^sensor: (\S+)$/m.exec(source)![1]!;
      const { fast, full } = both(sensor, source);
      expect(full).toMatchObject({ ok: true });
      expect(fast).toEqual(full);
    }
  });

  // Scalars the two YAML readers take differently (js-yaml reads 0b101, -0x1F and +0o7 as
  // numbers, yaml's core schema as strings; yaml reads +.5 and -.5e+3 as numbers, js-yaml
  // as strings), tags, anchors, duplicate keys, two documents, odd spacing.
  const gains = ['1.5', '0b101', '-0x1F', '+0o7', '0x10', '0o7', '+.5', '-.5e+3', '1e3', '.inf', '.nan', '1_000', '!!float 1', '!!str 2',
    '"2"', 'yes', 'true', '~', '', '2026-01-01', '&a 2', '1 # comment', '[1]', '{a: 1}'];
  it.each(gains)('agrees with the full parser on gain: %s', (gain) => {
    const source = linearProfileYaml('s1', 1, 0).replace('gain: 1', `gain: ${gain}`);
    const { fast, full } = both('s1', source);
    expect(fast).toEqual(full);
  });

  it.each([
    ['a duplicate key', linearProfileYaml('s1', 1, 0).replace('unit: celsius\n', 'unit: celsius\nunit: kelvin\n')],
    ['two documents', `${linearProfileYaml('s1', 1, 0)}---\n${linearProfileYaml('s1', 2, 0)}`],
    ['an alias', `${linearProfileYaml('s1', 1, 0).replace('gain: 1', 'gain: &g 1').replace('offset: 0', 'offset: *g')}`],
    ['a tab in the indentation', linearProfileYaml('s1', 1, 0).replace('    gain', '\tgain')],
    ['a merge key', `${linearProfileYaml('s1', 1, 0)}<<: {description: merged}\n`],
    ['a sensor that is not the file name', linearProfileYaml('other', 1, 0)],
  ])('agrees with the full parser on %s', (_case, source) => {
    const { fast, full } = both('s1', source);
    expect(fast).toEqual(full);
  });
});
