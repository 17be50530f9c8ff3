// Turns one raw string (from env, a flag or a file) into a typed option value, or says in
// words what is wrong with it. Pure. A secret's raw value is never put in a message.
import type { OptionDeclaration } from './option.ts';
import { Secret } from './secret.ts';

export type ParsedValue = string | number | boolean | string[] | Secret;
export type ValueResult = { ok: true; value: ParsedValue } | { ok: false; message: string };

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const bad = (message: string): ValueResult => ({ ok: false, message });

export function parseValue(raw: string, declaration: OptionDeclaration): ValueResult {
  switch (declaration.type) {
    case 'string': {
      if (declaration.choices !== undefined && !declaration.choices.includes(raw)) {
        return bad(`"${raw}" is not one of ${declaration.choices.join(', ')}`);
      }
      return { ok: true, value: raw };
    }
    case 'int': {
      const trimmed = raw.trim();
      if (!/^-?\d+$/.test(trimmed)) return bad(`"${raw}" is not an integer`);
      const value = Number(trimmed);
      if (!Number.isSafeInteger(value)) return bad(`"${raw}" is too large`);
      if (declaration.min !== undefined && value < declaration.min) return bad(`${value} is below the minimum ${declaration.min}`);
      if (declaration.max !== undefined && value > declaration.max) return bad(`${value} is above the maximum ${declaration.max}`);
      return { ok: true, value };
    }
    case 'bool': {
      const lower = raw.trim().toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return bad(`"${raw}" is not a boolean (use true or false)`);
    }
    case 'list':
      return { ok: true, value: splitList(raw) };
    case 'duration':
      return parseDuration(raw);
    case 'secret': {
      // Files written by editors and `echo` end with a newline that is not part of the secret.
      const value = raw.replace(/\r?\n$/, '');
      return value.trim() === '' ? bad('is empty') : { ok: true, value: new Secret(value) };
    }
  }
}

export function splitList(raw: string): string[] {
  return raw.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/**
 * A number and a unit (500ms, 10s, 2m, 1h). A bare number other than 0 is refused: `--duration 5`
 * could mean 5 ms or 5 s, and guessing wrong (5 ms) once made a run send nothing and report success.
 */
export function parseDuration(raw: string): ValueResult {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  if (match === null) return bad(`"${raw}" is not a duration (e.g. 500ms, 10s, 2m, 1h)`);
  const amount = Number(match[1]);
  if (match[2] === undefined && amount !== 0) return bad(`"${raw}" has no unit (write ${match[1]}s, ${match[1]}ms, ${match[1]}m or ${match[1]}h)`);
  const unit = DURATION_UNITS[match[2] ?? 'ms'] ?? 1;
  return { ok: true, value: Math.round(amount * unit) };
}

/** How a default or value is shown in help and reference text. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
