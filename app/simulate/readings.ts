// Generates the demo fleet's raw readings: a true curve per sensor (daily cycle plus a slow
// random wander), what each sensor reports for it, occasional malformed messages and
// duplicate sends. Deterministic for a seed, so a test can recompute the true value of any
// reading without talking to the simulator.
import { createHash } from 'node:crypto';
import { readingKey } from '../../contract/reading-key.ts';
import type { SensorModel } from './sensor-models.ts';

const HOUR = 3_600_000;
const KNOT = 10 * 60_000;

/** A uniform number in [0, 1) from the hash of its inputs. */
function unit(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

/** A smooth value in about [-1, 1]: cosine interpolation between hashed knots every 10 minutes. */
function wander(seed: number, sensor: string, tsMs: number): number {
  const k = Math.floor(tsMs / KNOT);
  const f = (tsMs - k * KNOT) / KNOT;
  const a = unit(seed, sensor, 'w', k) * 2 - 1;
  const b = unit(seed, sensor, 'w', k + 1) * 2 - 1;
  const s = (1 - Math.cos(Math.PI * f)) / 2;
  return a * (1 - s) + b * s;
}

/** The true value of `model`'s quantity at `tsMs` (what a perfect instrument would read). */
export function trueValue(model: SensorModel, tsMs: number, seed: number): number {
  const hour = (tsMs % (24 * HOUR)) / HOUR;
  const daily = model.amplitude * Math.cos((2 * Math.PI * (hour - model.peakHour)) / 24);
  let value = model.mean + daily + model.wander * wander(seed, model.id, tsMs);
  // The freezer's door is opened now and then: a short spike that calibration must flag.
  if (model.id === 'sensor-012' && unit(seed, model.id, 'door', Math.floor(tsMs / HOUR)) < 0.02 && tsMs % HOUR < 5 * 60_000) value = 15;
  return value;
}

/** Measurement noise in the true unit: small, bounded, so calibrated values stay within ±0.1 of true. */
export function measurementNoise(model: SensorModel, tsMs: number, seed: number): number {
  const scale = model.unit === 'celsius' ? 0.02 : model.unit === 'ppm' ? 1 : 0.05;
  return (unit(seed, model.id, 'n', tsMs) * 2 - 1) * scale;
}

export interface RawReading {
  sensor_id: string;
  ts: string;
  value: number;
  unit: string;
}

export interface SimulatedRecord {
  key: string;
  /** The bytes to send: a reading's JSON, or a deliberately malformed message. */
  value: string;
  tsMs: number;
  sensorId: string;
  kind: 'reading' | 'duplicate' | 'malformed';
  /** For readings: the quantity's true value, to compare calibrated output against. */
  trueValue?: number;
}

export function rawReading(model: SensorModel, tsMs: number, seed: number): RawReading {
  const t = trueValue(model, tsMs, seed) + measurementNoise(model, tsMs, seed);
  const raw = model.raw(t, tsMs);
  return { sensor_id: model.id, ts: new Date(tsMs).toISOString(), value: Number(raw.toFixed(model.decimals)), unit: model.rawUnit };
}

/** Malformed messages the calibrator must send to the DLQ, each for a different reason. */
export const malformedKinds = ['not-json', 'value-not-number', 'value-nan', 'missing-ts', 'missing-sensor', 'ts-before-2000', 'ts-far-future', 'array'] as const;

export function malformedMessage(kind: (typeof malformedKinds)[number], model: SensorModel, tsMs: number): string {
  const ts = new Date(tsMs).toISOString();
  switch (kind) {
    case 'not-json': return `{"sensor_id": "${model.id}", "ts": "${ts}", "value": 21.`;
    case 'value-not-number': return JSON.stringify({ sensor_id: model.id, ts, value: 'warm', unit: model.rawUnit });
    case 'value-nan': return `{"sensor_id": "${model.id}", "ts": "${ts}", "value": NaN}`;
    case 'missing-ts': return JSON.stringify({ sensor_id: model.id, value: 20.5, unit: model.rawUnit });
    case 'missing-sensor': return JSON.stringify({ ts, value: 20.5, unit: model.rawUnit });
    case 'ts-before-2000': return JSON.stringify({ sensor_id: model.id, ts: '1999-12-31T23:59:59Z', value: 20.5, unit: model.rawUnit });
    case 'ts-far-future': return JSON.stringify({ sensor_id: model.id, ts: new Date(tsMs + 30 * 86_400_000).toISOString(), value: 20.5, unit: model.rawUnit });
    case 'array': return JSON.stringify([model.id, ts, 20.5]);
  }
}

export interface GenerateOptions {
  fleet: readonly SensorModel[];
  seed: number;
  /** Each sensor reports once per interval, at a fixed per-sensor phase within it. */
  intervalMs: number;
  /** Fraction of readings followed by a malformed message (0..1). */
  malformedRate: number;
  /** Fraction of readings sent twice (0..1). */
  duplicateRate: number;
}

/** The records of every sensor with reading time in [fromMs, toMs), in time order. */
export function* generate(options: GenerateOptions, fromMs: number, toMs: number): Generator<SimulatedRecord> {
  const { fleet, seed, intervalMs } = options;
  const phases = fleet.map((m) => Math.floor(unit(seed, m.id, 'phase') * intervalMs));
  const firstSlot = Math.floor(fromMs / intervalMs);
  for (let slot = firstSlot; slot * intervalMs < toMs; slot++) {
    const due = fleet
      .map((model, i) => ({ model, tsMs: slot * intervalMs + phases[i]! }))
      .filter(({ tsMs }) => tsMs >= fromMs && tsMs < toMs)
      .sort((a, b) => a.tsMs - b.tsMs);
    for (const { model, tsMs } of due) {
      const reading = rawReading(model, tsMs, seed);
      const record: SimulatedRecord = {
        key: readingKey(model.id, tsMs), value: JSON.stringify(reading), tsMs, sensorId: model.id, kind: 'reading',
        trueValue: trueValue(model, tsMs, seed) + measurementNoise(model, tsMs, seed),
      };
      yield record;
      if (unit(seed, model.id, 'dup', tsMs) < options.duplicateRate) yield { ...record, kind: 'duplicate' };
      if (unit(seed, model.id, 'bad', tsMs) < options.malformedRate) {
        const kind = malformedKinds[Math.floor(unit(seed, model.id, 'kind', tsMs) * malformedKinds.length)]!;
        // A malformed message keyed one millisecond later, so it never overwrites the reading.
        yield { key: readingKey(model.id, tsMs + 1), value: malformedMessage(kind, model, tsMs), tsMs, sensorId: model.id, kind: 'malformed' };
      }
    }
  }
}
