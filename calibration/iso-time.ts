// Strict ISO-8601 instants for readings, profiles and command options. Date.parse alone
// is too lenient (it rolls 2026-02-30 over to March 2); a timestamp that names no real
// calendar moment must be rejected, not moved. Pure; never throws.

/** The shape of an ISO-8601 date-time with a zone (Z or ±hh:mm); parseIsoInstant also checks the calendar. */
export const ISO_INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Epoch ms of an ISO-8601 date-time with a zone (Z or ±hh:mm), or, when `dateOnly` is
 * allowed, of a date (midnight UTC). undefined when malformed or not a real moment.
 */
export function parseIsoInstant(text: string, options: { dateOnly?: boolean } = {}): number | undefined {
  const date = DATE_ONLY.exec(text);
  if (date !== null) {
    if (options.dateOnly !== true || !realDate(+date[1]!, +date[2]!, +date[3]!)) return undefined;
    return utcMidnight(+date[1]!, +date[2]!, +date[3]!);
  }
  const m = ISO_INSTANT_PATTERN.exec(text);
  if (m === null) return undefined;
  const [hour, minute, second] = [+m[4]!, +m[5]!, m[6] === undefined ? 0 : +m[6]];
  if (!realDate(+m[1]!, +m[2]!, +m[3]!) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (m[7] !== 'Z' && (+m[8]! > 23 || +m[9]! > 59)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/**
 * Epoch ms of midnight UTC on year-month-day (month 1-12; day 0 is the month before's last).
 * Not Date.UTC, which reads years 0-99 as 1900-1999: 0050-01-01 must be year 50, not 1950.
 */
function utcMidnight(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}
