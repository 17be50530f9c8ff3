import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../../calibration/profile-parser.ts';
import { profileJsonSchema } from '../../../calibration/profile-schema.ts';
import { DEMO_FLEET_DIR } from '../../helpers/demo-fleet.ts';

const DIR = 'calibration-profiles';
const committed = JSON.parse(readFileSync(join(DIR, 'profile.schema.json'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(committed);
// The example profiles as committed (the fixture copy; calibration-profiles/ is the user's to edit).
const examples = readdirSync(DEMO_FLEET_DIR).filter((name) => name.endsWith('.yaml')).sort();

const VALID = `sensor: s1
input_unit: celsius
unit: celsius
versions:
  - valid_from: 2025-01-01
    method: linear
    gain: 1
    offset: 0
`;

// Structural mistakes both must reject. (Rules beyond structure, such as sorted table
// points, are the parser's alone: a JSON Schema cannot express them.)
const STRUCTURALLY_BAD: [string, string][] = [
  ['an unknown top-level key', `${VALID}colour: red\n`],
  ['an unknown version key', VALID.replace('offset: 0', 'offset: 0\n    ofset: 1')],
  ['a string where a number belongs', VALID.replace('gain: 1', 'gain: "1"')],
  ['an unknown method', VALID.replace('method: linear', 'method: cubic')],
  ['a missing parameter', VALID.replace('    offset: 0\n', '')],
  ['no versions', VALID.replace(/versions:[\s\S]*/, 'versions: []\n')],
  ['a malformed valid_from', VALID.replace('2025-01-01', '01/01/2025')],
  ['a table with one point', VALID.replace('method: linear\n    gain: 1\n    offset: 0', 'method: table\n    points: [[0, 0]]')],
  ['a point with three numbers', VALID.replace('method: linear\n    gain: 1\n    offset: 0', 'method: table\n    points: [[0, 0, 1], [1, 1]]')],
  ['a sensor id with a slash', VALID.replace('sensor: s1', 'sensor: a/b')],
  ['missing unit', VALID.replace('unit: celsius\nversions', 'versions')],
];

describe('profile JSON Schema', () => {
  it('is committed exactly as generated from the parser\'s schema (regenerate: bin/profiles schema > calibration-profiles/profile.schema.json)', () => {
    expect(committed).toEqual(profileJsonSchema());
    expect(committed.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('is named by a yaml-language-server line in every example file', () => {
    for (const name of examples) {
      expect(readFileSync(join(DEMO_FLEET_DIR, name), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./profile.schema.json');
    }
  });

  it('agrees with the parser that every example profile is valid', () => {
    expect(examples.length).toBeGreaterThanOrEqual(11);
    for (const name of examples) {
      const source = readFileSync(join(DEMO_FLEET_DIR, name), 'utf8');
      expect(validate(parse(source)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(parseProfile(join(DEMO_FLEET_DIR, name), source).ok, name).toBe(true);
    }
  });

  for (const [what, source] of STRUCTURALLY_BAD) {
    it(`agrees with the parser in rejecting ${what}`, () => {
      expect(validate(parse(source))).toBe(false);
      expect(parseProfile('s1.yaml', source).ok).toBe(false);
    });
  }
});
