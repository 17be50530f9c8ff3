import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../calibration/errors.ts';
import { parseProfile } from '../../../calibration/profile-parser.ts';

function errors(file: string, source: string): string[] {
  const result = parseProfile(file, source);
  if (result.ok) throw new Error(`expected ${file} to be invalid`);
  return result.issues.map(formatIssue);
}

const VALID = `sensor: sensor-001
description: living room
input_unit: celsius
unit: celsius
limits: {min: -40, max: 85}
versions:
  - valid_from: 2025-01-01T00:00:00Z
    method: linear
    gain: 0.98
    offset: 2.5
  - valid_from: 2025-06-01T00:00:00Z
    method: table
    points: [[-10, -9.6], [0, 0.3], [25, 24.9], [40, 39.7]]
    certificate: lab-2025-06-01
`;

describe('parseProfile', () => {
  it('parses the docs/architecture.md#calibration-profiles example into sorted versions with defaults filled in', () => {
    const result = parseProfile('profiles/sensor-001.yaml', VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [first, second] = result.profile.versions;
    expect(first!.params).toEqual({ method: 'linear', gain: 0.98, offset: 2.5 });
    expect(first!.validFrom).toBe(Date.UTC(2025, 0, 1));
    expect(first!.limits).toEqual({ min: -40, max: 85 });
    expect(second!.params).toMatchObject({ method: 'table', extrapolate: false });
    expect(second!.certificate).toBe('lab-2025-06-01');
    expect(second!.identity).toMatch(/^sensor-001@2025-06-01#[0-9a-f]{12}$/);
  });

  it('sorts versions written out of order by valid_from', () => {
    const source = VALID.replace('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    const result = parseProfile('sensor-001.yaml', source);
    expect(result.ok && result.profile.versions.map((v) => v.params.method)).toEqual(['table', 'linear']);
  });

  it('reports a YAML syntax error at its line and column', () => {
    expect(errors('p/sensor-001.yaml', 'sensor: sensor-001\nversions: [\n')[0]).toMatch(/^p\/sensor-001\.yaml:\d+:\d+: YAML: /);
    expect(errors('sensor-001.yaml', 'sensor: a\nunit: c\n\tdescription: x\n')).toEqual(['sensor-001.yaml:3:1: YAML: Tabs are not allowed as indentation']);
  });

  it('reports a duplicate key as a YAML error at the second key', () => {
    expect(errors('sensor-001.yaml', VALID.replace('unit: celsius\nlimits', 'unit: celsius\nunit: kelvin\nlimits'))).toEqual([
      expect.stringMatching(/^sensor-001\.yaml:5:1: YAML: Map keys must be unique/),
    ]);
  });

  it('reports an unknown key at the key itself', () => {
    expect(errors('sensor-001.yaml', VALID.replace('    gain: 0.98', '    gian: 0.98\n    gain: 0.98'))).toEqual([
      'sensor-001.yaml:9:5: versions[0].gian: unknown key "gian"',
    ]);
    expect(errors('sensor-001.yaml', `colour: red\n${VALID}`)).toEqual(['sensor-001.yaml:1:1: colour: unknown key "colour"']);
  });

  it('reports a wrong type at the value', () => {
    expect(errors('sensor-001.yaml', VALID.replace('gain: 0.98', 'gain: "0.98"'))).toEqual([
      'sensor-001.yaml:9:11: versions[0].gain: expected number, received string',
    ]);
  });

  it('reports a missing required key at the map that lacks it', () => {
    expect(errors('sensor-001.yaml', VALID.replace('    offset: 2.5\n', ''))).toEqual([
      'sensor-001.yaml:7:5: versions[0].offset: missing required key "offset"',
    ]);
  });

  it('reports an unknown method with the list of methods', () => {
    expect(errors('sensor-001.yaml', VALID.replace('method: linear', 'method: lineer'))).toEqual([
      'sensor-001.yaml:8:13: versions[0].method: must be one of linear, polynomial, table, steinhart-hart, callendar-van-dusen',
    ]);
  });

  it('rejects .nan and .inf where a number is expected', () => {
    expect(errors('sensor-001.yaml', VALID.replace('offset: 2.5', 'offset: .nan'))).toEqual([
      'sensor-001.yaml:10:13: versions[0].offset: expected number, received NaN',
    ]);
    expect(errors('sensor-001.yaml', VALID.replace('gain: 0.98', 'gain: -.inf'))[0]).toMatch(/^sensor-001\.yaml:9:11: versions\[0\]\.gain: /);
  });

  it('reports table points that do not strictly increase, at the offending point', () => {
    expect(errors('sensor-001.yaml', VALID.replace('[25, 24.9]', '[-5, 24.9]'))).toEqual([
      'sensor-001.yaml:13:37: versions[1].points[2]: table points must have strictly increasing raw values: -5 after 0',
    ]);
  });

  it('reports a duplicate valid_from, even when spelled differently', () => {
    expect(errors('sensor-001.yaml', VALID.replace('2025-06-01T00:00:00Z', '2025-01-01'))).toEqual([
      'sensor-001.yaml:11:17: versions[1].valid_from: duplicate valid_from 2025-01-01T00:00:00.000Z (also versions[0])',
    ]);
    expect(errors('sensor-001.yaml', VALID.replace('2025-06-01T00:00:00Z', '2025-01-01T01:00:00+01:00'))).toHaveLength(1);
  });

  it('reports a sensor id that does not match the file name', () => {
    expect(errors('dir/sensor-002.yaml', VALID)).toEqual([
      'dir/sensor-002.yaml:1:9: sensor: sensor "sensor-001" does not match the file name (expected "sensor-002")',
    ]);
  });

  it('reports an impossible calendar date and a malformed valid_from', () => {
    expect(errors('sensor-001.yaml', VALID.replace('2025-06-01T00:00:00Z', '2025-02-30'))[0]).toContain('versions[1].valid_from: valid_from "2025-02-30" is not a real date');
    expect(errors('sensor-001.yaml', VALID.replace('2025-06-01T00:00:00Z', 'June 2025'))[0]).toMatch(/^sensor-001\.yaml:11:17: versions\[1\]\.valid_from: must be an ISO-8601 date/);
  });

  it('requires ohm in and kelvin or celsius out for steinhart-hart', () => {
    const source = 'sensor: t\ninput_unit: celsius\nunit: celsius\nversions:\n  - valid_from: 2025-01-01\n    method: steinhart-hart\n    a: 1.1e-3\n    b: 2.3e-4\n    c: 8.7e-8\n';
    expect(errors('t.yaml', source)).toEqual(['t.yaml:6:13: versions[0].method: steinhart-hart takes ohm, but input_unit is "celsius"']);
  });

  it('reports min not below max in limits', () => {
    expect(errors('sensor-001.yaml', VALID.replace('{min: -40, max: 85}', '{min: 85, max: -40}'))).toEqual([
      'sensor-001.yaml:5:15: limits.min: min (85) must be below max (-40)',
    ]);
  });

  it('reports every schema problem of a file at once, in line order', () => {
    const source = VALID.replace('gain: 0.98', 'gain: yes').replace('certificate: lab', 'certficate: lab');
    expect(errors('sensor-001.yaml', source)).toHaveLength(2);
  });

  it('says so for an empty file and for a file with several YAML documents', () => {
    expect(errors('s.yaml', '')).toEqual(['s.yaml:1:1: the file is empty: expected a profile with sensor, input_unit, unit and versions']);
    expect(errors('s.yaml', 'sensor: a\n---\nsensor: b\n')).toEqual(['s.yaml:2:1: YAML: one profile per file, but this file has more than one YAML document (---)']);
    expect(errors('s.yaml', '- 1\n- 2\n')).toEqual(['s.yaml:1:1: (document): expected object, received array']);
  });

  it('refuses a document whose aliases expand without bound', () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    expect(errors('sensor-001.yaml', bomb)[0]).toMatch(/^sensor-001\.yaml:1:1: YAML: /);
  });
});
