import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../../calibration/profile-parser.ts';
import { canonicalVersion, stableJson, validFromLabel, versionIdentity } from '../../../calibration/version-identity.ts';

function identities(source: string): string[] {
  const result = parseProfile('s1.yaml', source);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.profile.versions.map((v) => v.identity);
}

const BASE = `sensor: s1
input_unit: celsius
unit: celsius
limits: {min: -40, max: 85}
versions:
  - valid_from: 2025-06-01T00:00:00Z
    method: linear
    gain: 0.98
    offset: 2.5
    certificate: lab-1
`;

describe('version identity', () => {
  it('is sensor@valid_from#12 hex of sha256 over the canonical version', () => {
    const input = { sensor: 's1', validFrom: Date.UTC(2025, 5, 1), inputUnit: 'celsius', unit: 'celsius',
      params: { method: 'linear', gain: 0.98, offset: 2.5 } as const, inputRange: null, limits: { min: -40, max: 85 } };
    // Computed by hand from the documented canonical form:
    expect(stableJson(canonicalVersion(input))).toBe(
      '{"gain":0.98,"input_range":null,"input_unit":"celsius","limits":{"max":85,"min":-40},"method":"linear","offset":2.5,"sensor":"s1","unit":"celsius","valid_from":"2025-06-01T00:00:00.000Z"}');
    expect(versionIdentity(input)).toMatch(/^s1@2025-06-01#[0-9a-f]{12}$/);
    expect(identities(BASE)).toEqual([versionIdentity(input)]);
  });

  it('does not change with YAML formatting, key order, number spelling or prose', () => {
    const reformatted = `# a comment
versions:
  - {offset: 2.50, gain: 9.8e-1, method: linear, valid_from: "2025-06-01", certificate: lab-2, notes: re-typed}
unit: celsius
limits:
  max: 85
  min: -40.0
input_unit: celsius
sensor: s1
description: now with a description
`;
    expect(identities(reformatted)).toEqual(identities(BASE));
  });

  it('changes when anything that changes a value changes: a parameter, limits, units', () => {
    const base = identities(BASE)[0];
    expect(identities(BASE.replace('offset: 2.5', 'offset: 2.6'))[0]).not.toBe(base);
    expect(identities(BASE.replace('max: 85', 'max: 86'))[0]).not.toBe(base);
    expect(identities(BASE.replace('unit: celsius\nlimits', 'unit: kelvin\nlimits'))[0]).not.toBe(base);
  });

  it('labels valid_from by date at midnight UTC, else by the full instant', () => {
    expect(validFromLabel(Date.UTC(2025, 5, 1))).toBe('2025-06-01');
    expect(validFromLabel(Date.UTC(2025, 5, 1, 12, 30))).toBe('2025-06-01T12:30:00.000Z');
  });

  it('sorts keys at every depth and keeps array order', () => {
    expect(stableJson({ b: [{ z: 1, a: 2 }], a: null })).toBe('{"a":null,"b":[{"a":2,"z":1}]}');
  });
});
