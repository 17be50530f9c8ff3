// Times written without a zone (a Postgres `timestamp without time zone`, or text such as
// 2024-03-01 12:00:00) read in a zone the user states: UTC, a fixed offset (+01:00) or an
// IANA name (Europe/Berlin). Like Postgres' `AT TIME ZONE`, a wall-clock time repeated when
// clocks go back is read in the offset after the change, and one skipped when they go
// forward in the offset before it. Pure.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

export type ZoneReader = (text: string) => string | undefined;

/** A reader for `zone`, or undefined when the zone is not one we know. */
export function zoneReader(zone: string): ZoneReader | undefined {
  const offsetOf = zoneOffset(zone);
  if (offsetOf === undefined) return undefined;
  return (text) => {
    const m = LOCAL.exec(text);
    if (m === null) return undefined;
    const ms = Math.round(Number(`0${m[7] ?? ''}`) * 1000);
    const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] === undefined ? 0 : +m[6], ms);
    if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== +m[3]!) return undefined;
    const guess = wall - offsetOf(wall);
    return new Date(wall - offsetOf(guess)).toISOString();
  };
}

/** The zone's offset from UTC (ms) at an instant, cached by quarter hour. */
function zoneOffset(zone: string): ((utcMs: number) => number) | undefined {
  if (/^(UTC|Z|GMT)$/i.test(zone)) return () => 0;
  const fixed = OFFSET.exec(zone);
  if (fixed !== null) {
    const minutes = (+fixed[2]! * 60 + +fixed[3]!) * (fixed[1] === '-' ? -1 : 1);
    return () => minutes * 60_000;
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const cache = new Map<number, number>();
  return (utcMs) => {
    const bucket = Math.floor(utcMs / 900_000);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      const at = bucket * 900_000;
      const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
      offset = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!) - at;
      if (cache.size > 100_000) cache.clear();
      cache.set(bucket, offset);
    }
    return offset;
  };
}
