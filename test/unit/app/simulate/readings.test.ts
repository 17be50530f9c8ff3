import { describe, expect, it } from 'vitest';
import { fleet } from '../../../../app/simulate/sensor-models.ts';
import { generate, type GenerateOptions } from '../../../../app/simulate/readings.ts';

const options: GenerateOptions = { fleet: fleet(12), seed: 7, intervalMs: 1000, malformedRate: 0.05, duplicateRate: 0.05 };
const from = Date.parse('2026-11-29T00:00:00Z');
const to = from + 10 * 60_000;

describe('the reading generator', () => {
  const records = [...generate(options, from, to)];

  it('is deterministic for a seed and differs for another', () => {
    expect([...generate(options, from, to)]).toEqual(records);
    expect([...generate({ ...options, seed: 8 }, from, to)]).not.toEqual(records);
  });

  it('sends each sensor once per interval, in time order, with unique keys per reading', () => {
    const readings = records.filter((r) => r.kind === 'reading');
    expect(readings).toHaveLength(12 * 600);
    expect(new Set(readings.map((r) => r.key)).size).toBe(readings.length);
    const times = records.map((r) => r.tsMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(readings.every((r) => r.tsMs >= from && r.tsMs < to)).toBe(true);
  });

  it('keys a reading <sensor>|<ts ms> and carries the docs/architecture.md#messages raw JSON', () => {
    const first = records.find((r) => r.kind === 'reading')!;
    const body = JSON.parse(first.value) as Record<string, unknown>;
    expect(first.key).toBe(`${String(body.sensor_id)}|${Date.parse(String(body.ts))}`);
    expect(Object.keys(body).sort()).toEqual(['sensor_id', 'ts', 'unit', 'value']);
    expect(typeof body.value).toBe('number');
  });

  it('sends duplicates as exact re-sends and malformed messages under their own keys', () => {
    const duplicates = records.filter((r) => r.kind === 'duplicate');
    const malformed = records.filter((r) => r.kind === 'malformed');
    expect(duplicates.length).toBeGreaterThan(100);
    expect(malformed.length).toBeGreaterThan(100);
    const readingsByKey = new Map(records.filter((r) => r.kind === 'reading').map((r) => [r.key, r.value]));
    for (const d of duplicates) expect(readingsByKey.get(d.key)).toBe(d.value);
    for (const m of malformed) expect(readingsByKey.has(m.key)).toBe(false);
  });

  it('keeps the true curve within each sensor\'s plausible range', () => {
    for (const r of records.filter((x) => x.kind === 'reading' && x.sensorId === 'sensor-001')) {
      expect(r.trueValue).toBeGreaterThan(17);
      expect(r.trueValue).toBeLessThan(25);
    }
  });
});
