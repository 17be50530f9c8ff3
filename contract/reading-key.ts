// The reading key: `<sensor_id>|<ts as epoch ms>`, unique per reading. Partitioning hashes the
// sensor part only, so one sensor's readings stay in order on one partition. A sensor id may
// itself contain `|`; the last one separates the timestamp. Built and parsed only here: the
// calibrator, the replay selector and the Postgres sink all read keys with parseReadingKey.

export function readingKey(sensorId: string, tsMs: number): string {
  return `${sensorId}|${tsMs}`;
}

/** The sensor part of a reading key (the whole key when it has no `|`). */
export function sensorPart(key: Buffer): Buffer {
  const bar = key.lastIndexOf(0x7c);
  return bar > 0 ? key.subarray(0, bar) : key;
}

export interface ParsedReadingKey {
  sensorId: string;
  /** The digits after the last `|` as a number; callers check Number.isSafeInteger where it matters. */
  tsMs: number;
}

/**
 * The parts of a key `<sensor_id>|<epoch ms>`: a non-empty sensor id and an optionally signed
 * run of digits. Undefined for anything else (no key, no `|`, empty sensor, a non-integer time).
 */
export function parseReadingKey(key: Buffer | string | null): ParsedReadingKey | undefined {
  if (key === null) return undefined;
  const text = typeof key === 'string' ? key : key.toString('utf8');
  const bar = text.lastIndexOf('|');
  const msText = text.slice(bar + 1);
  if (bar <= 0 || !/^-?\d+$/.test(msText)) return undefined;
  return { sensorId: text.slice(0, bar), tsMs: Number(msText) };
}
