// What a calibration replay re-emits: readings of the chosen sensors (all when none is
// chosen) whose reading time lies in [fromMs, toMs). Decided from the record key
// `<sensor_id>|<ts epoch ms>` (ARCHITECTURE.md), so a skipped record is never parsed.
// A key we cannot read is selected: recalibrating one reading too many is harmless
// (outputs are upserts), skipping one that was asked for is not.

export interface CalibrationReplaySelector {
  sensors: string[] | null;
  fromMs: number;
  toMs: number | null;
}

export function replaySelector(sensors: readonly string[], fromMs: number, toMs: number | null): CalibrationReplaySelector {
  return { sensors: sensors.length > 0 ? [...new Set(sensors)].sort() : null, fromMs, toMs };
}

export function isReplaySelector(value: unknown): value is CalibrationReplaySelector {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.fromMs === 'number'
    && (v.toMs === null || typeof v.toMs === 'number')
    && (v.sensors === null || (Array.isArray(v.sensors) && v.sensors.every((s) => typeof s === 'string')));
}

/** True when the record with this key should be re-emitted by the replay. */
export function selects(selector: unknown, key: Buffer | null): boolean {
  if (!isReplaySelector(selector) || key === null) return true;
  const text = key.toString('utf8');
  const bar = text.lastIndexOf('|');
  if (bar <= 0) return true;
  const sensor = text.slice(0, bar);
  const ts = Number(text.slice(bar + 1));
  if (!Number.isFinite(ts) || text.slice(bar + 1).trim() === '') return true;
  if (selector.sensors && !selector.sensors.includes(sensor)) return false;
  return ts >= selector.fromMs && (selector.toMs === null || ts < selector.toMs);
}

/** The same decision in the shape StreamsRuntime's `replay.selects` option takes. */
export function selectsRecord(record: { key: Buffer | null }, selector: unknown): boolean {
  return selects(selector, record.key);
}
