// The identity of a profile version, written into every calibrated reading so anyone can
// tell which calibration produced a number:
//
//   <sensor>@<valid_from>#<first 12 hex digits of sha256(canonical version)>
//
// <valid_from> is YYYY-MM-DD when the instant is midnight UTC, else the full ISO-8601 UTC
// form (2025-06-01T12:30:00.000Z). The canonical version is the stable JSON (object keys
// sorted, no whitespace, numbers as JavaScript prints them, which round-trip exactly) of
// everything that can change a calibrated value:
//   {sensor, valid_from (ISO-8601 UTC with ms), input_unit, unit, method, <method params>,
//    input_range, limits}
// with defaults filled in (table extrapolate: false) and profile-level input_range/limits
// folded in (null when absent). `description`, `certificate` and `notes` are left out:
// editing prose must not make yesterday's readings look differently calibrated.
// Must never depend on YAML formatting, key order, or number spelling (1.0 vs 1).
import { createHash } from 'node:crypto';
import type { Bounds, MethodParams } from './profile.ts';

export interface IdentityInput {
  sensor: string;
  validFrom: number;
  inputUnit: string;
  unit: string;
  params: MethodParams;
  inputRange: Bounds | null;
  limits: Bounds | null;
}

export function canonicalVersion(input: IdentityInput): Record<string, unknown> {
  return {
    sensor: input.sensor,
    valid_from: new Date(input.validFrom).toISOString(),
    input_unit: input.inputUnit,
    unit: input.unit,
    ...input.params,
    input_range: input.inputRange,
    limits: input.limits,
  };
}

/** JSON with object keys sorted at every depth; undefined object members are dropped. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function validFromLabel(validFrom: number): string {
  const iso = new Date(validFrom).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

export function versionIdentity(input: IdentityInput): string {
  const hash = createHash('sha256').update(stableJson(canonicalVersion(input))).digest('hex').slice(0, 12);
  return `${input.sensor}@${validFromLabel(input.validFrom)}#${hash}`;
}
