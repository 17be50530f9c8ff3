// What a calibrated reading must say, computed for tests WITHOUT the calibration code: the
// formulas of calibration-profiles/README.md and the version identity as documented there
// (sha256 over sorted-key JSON), written out again here on purpose, plus a YAML writer for
// the profiles the tests put in a temporary KALIBRA_PROFILES_DIR.
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TestMethod =
  | { method: 'linear'; gain: number; offset: number }
  | { method: 'polynomial'; coefficients: number[] }
  | { method: 'table'; points: [number, number][]; extrapolate: false };

export interface TestVersion {
  validFrom: string; // ISO-8601 UTC with ms
  params: TestMethod;
}

export interface TestProfile {
  sensor: string;
  inputUnit: string;
  unit: string;
  versions: TestVersion[];
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sensor@valid_from#<12 hex>` as calibration-profiles/README.md "Version identity" defines it. */
export function expectedIdentity(profile: TestProfile, version: TestVersion): string {
  const canonical = {
    sensor: profile.sensor, valid_from: version.validFrom, input_unit: profile.inputUnit, unit: profile.unit,
    ...version.params, input_range: null, limits: null,
  };
  const hash = createHash('sha256').update(sortedJson(canonical)).digest('hex').slice(0, 12);
  const label = version.validFrom.endsWith('T00:00:00.000Z') ? version.validFrom.slice(0, 10) : version.validFrom;
  return `${profile.sensor}@${label}#${hash}`;
}

export interface ExpectedReading {
  value: number | null;
  status: 'ok' | 'uncalibrated' | 'out_of_range';
  profile: string | null;
}

/** The version in force at `ts` (latest valid_from at or before it) and what it makes of `raw`. */
export function expectedReading(profile: TestProfile, ts: number, raw: number): ExpectedReading {
  const version = profile.versions.filter((v) => Date.parse(v.validFrom) <= ts).at(-1);
  if (version === undefined) return { value: raw, status: 'uncalibrated', profile: null };
  const profileId = expectedIdentity(profile, version);
  const p = version.params;
  if (p.method === 'linear') return { value: p.gain * raw + p.offset, status: 'ok', profile: profileId };
  if (p.method === 'polynomial') {
    return { value: p.coefficients.reduce((sum, c, power) => sum + c * raw ** power, 0), status: 'ok', profile: profileId };
  }
  const points = p.points;
  if (raw < points[0]![0] || raw > points.at(-1)![0]) return { value: null, status: 'out_of_range', profile: profileId };
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    if (raw <= x1) return { value: y0 + ((raw - x0) * (y1 - y0)) / (x1 - x0), status: 'ok', profile: profileId };
  }
  return { value: null, status: 'out_of_range', profile: profileId };
}

function yamlMethod(params: TestMethod): string[] {
  if (params.method === 'linear') return [`method: linear`, `gain: ${params.gain}`, `offset: ${params.offset}`];
  if (params.method === 'polynomial') return [`method: polynomial`, `coefficients: [${params.coefficients.join(', ')}]`];
  return [`method: table`, `points: [${params.points.map(([x, y]) => `[${x}, ${y}]`).join(', ')}]`, `extrapolate: false`];
}

export function profileYaml(profile: TestProfile): string {
  const lines = [`sensor: ${profile.sensor}`, `input_unit: ${profile.inputUnit}`, `unit: ${profile.unit}`, 'versions:'];
  for (const version of profile.versions) {
    const [first, ...rest] = [`valid_from: ${version.validFrom}`, ...yamlMethod(version.params)];
    lines.push(`  - ${first}`, ...rest.map((line) => `    ${line}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<dir>/<name>` atomically (temp file + rename), as an editor or a ConfigMap swap would. */
export function writeAtomically(dir: string, name: string, text: string): void {
  const temp = join(dir, `.${name}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, join(dir, name));
}
