// The rules of a profile that a schema cannot express: the file is named after its sensor,
// valid_from instants are real and distinct, table points increase, bounds are ordered,
// and the thermometry methods get the units they are defined for. Pure; reports every
// problem it finds (by path into the document) and never throws.
import { parseIsoInstant } from './iso-time.ts';
import type { ProfileDocument } from './profile-schema.ts';

export interface RuleIssue {
  path: PropertyKey[];
  message: string;
}

/** Epoch ms of a valid_from that matched VALID_FROM_PATTERN, or NaN for an impossible date (2025-02-30). */
export function parseValidFrom(text: string): number {
  return parseIsoInstant(text, { dateOnly: true }) ?? Number.NaN;
}

export function checkRules(doc: ProfileDocument, expectedSensor: string): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (doc.sensor !== expectedSensor) {
    issues.push({ path: ['sensor'], message: `sensor "${doc.sensor}" does not match the file name (expected "${expectedSensor}")` });
  }
  checkBounds(doc.input_range, ['input_range'], issues);
  checkBounds(doc.limits, ['limits'], issues);

  const seen = new Map<number, number>();
  doc.versions.forEach((version, i) => {
    const at: PropertyKey[] = ['versions', i];
    const validFrom = parseValidFrom(version.valid_from);
    if (Number.isNaN(validFrom)) {
      issues.push({ path: [...at, 'valid_from'], message: `valid_from "${version.valid_from}" is not a real date` });
    } else {
      const earlier = seen.get(validFrom);
      if (earlier !== undefined) {
        issues.push({ path: [...at, 'valid_from'], message: `duplicate valid_from ${new Date(validFrom).toISOString()} (also versions[${earlier}])` });
      } else {
        seen.set(validFrom, i);
      }
    }
    checkBounds(version.input_range, [...at, 'input_range'], issues);
    checkBounds(version.limits, [...at, 'limits'], issues);

    switch (version.method) {
      case 'table':
        for (let p = 1; p < version.points.length; p += 1) {
          const previous = version.points[p - 1]![0];
          const current = version.points[p]![0];
          if (!(current > previous)) {
            issues.push({ path: [...at, 'points', p], message: `table points must have strictly increasing raw values: ${current} after ${previous}` });
          }
        }
        break;
      case 'steinhart-hart':
        if (doc.input_unit !== 'ohm') issues.push({ path: [...at, 'method'], message: `steinhart-hart takes ohm, but input_unit is "${doc.input_unit}"` });
        if (doc.unit !== 'kelvin' && doc.unit !== 'celsius') issues.push({ path: [...at, 'method'], message: `steinhart-hart gives kelvin or celsius, but unit is "${doc.unit}"` });
        break;
      case 'callendar-van-dusen':
        if (doc.input_unit !== 'ohm') issues.push({ path: [...at, 'method'], message: `callendar-van-dusen takes ohm, but input_unit is "${doc.input_unit}"` });
        if (doc.unit !== 'celsius') issues.push({ path: [...at, 'method'], message: `callendar-van-dusen gives celsius, but unit is "${doc.unit}"` });
        if (!(version.R0 > 0)) issues.push({ path: [...at, 'R0'], message: 'R0 must be a positive resistance in ohm' });
        if (version.A === 0 && version.B === 0) issues.push({ path: [...at, 'A'], message: 'A and B cannot both be 0' });
        break;
      default:
        break;
    }
  });
  return issues;
}

function checkBounds(bounds: { min?: number | undefined; max?: number | undefined } | undefined, path: PropertyKey[], issues: RuleIssue[]): void {
  if (bounds?.min !== undefined && bounds.max !== undefined && !(bounds.min < bounds.max)) {
    issues.push({ path: [...path, 'min'], message: `min (${bounds.min}) must be below max (${bounds.max})` });
  }
}
