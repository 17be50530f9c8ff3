// Issue 4 over the real broker through bin/calibrator: 10 sensors with 3 profile versions
// each (linear, polynomial, table), readings on both sides of every version boundary, and
// every calibrated value, status and profile identity compared with values computed from the
// documented formulas and identity (test/helpers/pipeline-expected.ts), not the calibration code.
import { describe, expect, it } from 'vitest';
import { expectedReading, profileYaml, writeAtomically } from '../../helpers/pipeline-expected.ts';
import type { TestProfile } from '../../helpers/pipeline-expected.ts';
import { readCommitted, spawnBin, started, tempDir } from '../../helpers/pipeline-processes.ts';
import { produce } from '../../helpers/sink-fixtures.ts';
import type { Reading } from '../../helpers/sink-fixtures.ts';
import { createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

const SENSORS = 10;
const PARTITIONS = 2;
const V1 = '2025-01-01T00:00:00.000Z';
const V2 = '2025-06-01T00:00:00.000Z';
// Not midnight: the identity then carries the full instant.
const V3 = '2026-01-01T12:00:00.000Z';

function fleet(): TestProfile[] {
  return Array.from({ length: SENSORS }, (_, s) => ({
    sensor: `ver-${String(s).padStart(2, '0')}`, inputUnit: 'celsius', unit: 'celsius',
    versions: [
      { validFrom: V1, params: { method: 'linear', gain: 1 + s / 100, offset: s / 10 - 0.5 } },
      { validFrom: V2, params: { method: 'polynomial', coefficients: [s / 10, 0.99, 0.0005 * (s + 1)] } },
      { validFrom: V3, params: { method: 'table', points: [[-20, -19 + s / 10], [0, 0.2 + s / 10], [50, 49.5 + s / 10]], extrapolate: false } },
    ],
  }));
}

/** Instants around every boundary: before the first version, at each valid_from, 1 ms before each, and later. */
const INSTANTS = [
  Date.parse(V1) - 1, Date.parse(V1), Date.parse('2025-03-15T08:00:00Z'),
  Date.parse(V2) - 1, Date.parse(V2), Date.parse('2025-09-30T23:00:00Z'),
  Date.parse(V3) - 1, Date.parse(V3), Date.parse('2026-05-05T05:05:05.005Z'), Date.parse('2026-11-01T00:00:00Z'),
];

function rawValue(s: number, k: number): number {
  // Mostly inside the tables' -20..50; the last instant reads 60 to land outside (out_of_range).
  return k === INSTANTS.length - 1 ? 60 : Math.round((-15 + 6.5 * k + s * 0.37) * 1000) / 1000;
}

describe('calibration across profile versions through bin/calibrator', () => {
  it('calibrates every reading of 10 sensors with the version in force at its ts, value and identity as documented', async () => {
    const raw = uniqueName('versions-raw');
    const calibrated = uniqueName('versions-calibrated');
    const dlq = uniqueName('versions-dlq');
    await createTopics([raw, calibrated], { partitions: PARTITIONS, configs: { 'cleanup.policy': 'compact' } });
    await createTopics([dlq]);
    const state = uniqueName('versions-replay-state');
    await createTopics([state], { configs: { 'cleanup.policy': 'compact' } });
    const profiles = tempDir('kalibra-versions');
    const sensors = fleet();
    for (const profile of sensors) writeAtomically(profiles, `${profile.sensor}.yaml`, profileYaml(profile));

    const readings: Reading[] = sensors.flatMap((profile, s) => INSTANTS.map((ts, k) => ({
      key: `${profile.sensor}|${ts}`,
      value: JSON.stringify({ sensor_id: profile.sensor, ts: new Date(ts).toISOString(), value: rawValue(s, k) }),
      partition: s % PARTITIONS,
    })));
    await produce(raw, readings);

    // The gate is off (KALIBRA_GATE=false): this test is about values, the gate has its own.
    const calibrator = spawnBin('calibrator', [], {
      KALIBRA_GATE: 'false', KALIBRA_TOPIC_RAW: raw, KALIBRA_TOPIC_CALIBRATED: calibrated, KALIBRA_TOPIC_DLQ: dlq, KALIBRA_TOPIC_REPLAY_STATE: state,
      KALIBRA_GROUP_ID: uniqueName('versions'), KALIBRA_INSTANCE_ID: uniqueName('versions'), KALIBRA_PROFILES_DIR: profiles,
    });
    await started(calibrator, 'the calibrator');
    const reader = await readCommitted(calibrated);
    await waitFor(() => reader.records.length >= readings.length, { timeoutMs: 60_000, message: `${readings.length} calibrated records` });

    const byKey = new Map(reader.records.map((r) => [r.key, JSON.parse(r.value!) as { value: number | null; status: string; profile: string | null; raw_value: number; ts: string; unit: string }]));
    expect(byKey.size).toBe(readings.length);
    const problems: string[] = [];
    const statuses = new Map<string, number>();
    sensors.forEach((profile, s) => INSTANTS.forEach((ts, k) => {
      const key = `${profile.sensor}|${ts}`;
      const got = byKey.get(key);
      const want = expectedReading(profile, ts, rawValue(s, k));
      statuses.set(want.status, (statuses.get(want.status) ?? 0) + 1);
      if (got === undefined) { problems.push(`${key}: missing`); return; }
      const valueOk = want.value === null ? got.value === null : got.value !== null && Math.abs(got.value - want.value) <= 1e-9 * Math.max(1, Math.abs(want.value));
      if (!valueOk || got.status !== want.status || got.profile !== want.profile || got.raw_value !== rawValue(s, k) || got.ts !== new Date(ts).toISOString()) {
        problems.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
    }));
    expect(problems).toEqual([]);
    // The data really crosses every boundary: uncalibrated before V1, ok under all three, out_of_range outside the table.
    expect(Object.fromEntries(statuses)).toEqual({ uncalibrated: 10, ok: 80, out_of_range: 10 });
    expect(new Set([...byKey.values()].map((r) => r.profile)).size).toBe(SENSORS * 3 + 1);
  });
});
