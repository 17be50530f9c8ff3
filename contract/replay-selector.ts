// What a calibration replay re-emits: readings of the chosen sensors (all when none is
// chosen) whose reading time lies in [fromMs, toMs). Decided from the record key
// `<sensor_id>|<ts epoch ms>` (docs/architecture.md#topics), so a skipped record is never parsed.
// A key parseReadingKey cannot read is selected: recalibrating one reading too many is harmless
// (outputs are upserts), skipping one that was asked for is not.
import { parseReadingKey } from './reading-key.ts';

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
  const parsed = parseReadingKey(key);
  if (parsed === undefined || !Number.isFinite(parsed.tsMs)) return true;
  if (selector.sensors && !selector.sensors.includes(parsed.sensorId)) return false;
  return parsed.tsMs >= selector.fromMs && (selector.toMs === null || parsed.tsMs < selector.toMs);
}

/** The same decision in the shape StreamsRuntime's `replay.selects` option takes. */
export function selectsRecord(record: { key: Buffer | null }, selector: unknown): boolean {
  return selects(selector, record.key);
}
