// Reads the times an operator types: ISO-8601 (2026-11-29T04:00:00Z, 2026-11-29),
// epoch milliseconds, or relative to now (30s, 15m, 2h, 7d, 1w). Pure: `now` is passed in.
import { ReplayError } from './errors.ts';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const EPOCH_MS = /^\d{10,16}$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseTimeSpec(text: string, now: number, option = 'time'): number {
  const value = text.trim();
  const relative = RELATIVE.exec(value);
  if (relative) {
    const [, amount, unit] = relative;
    return now - Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  }
  if (EPOCH_MS.test(value)) return Number(value);
  if (ISO.test(value)) {
    // A date or date-time without a zone is read as UTC, never as the machine's local time.
    const zoned = /T|\s/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
    const parsed = Date.parse(zoned);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new ReplayError('INVALID_TIME',
    `${option}: cannot read "${text}" as a time (use ISO-8601 like 2026-11-29T04:00:00Z, epoch milliseconds, or relative like 30m, 2h, 7d)`);
}
