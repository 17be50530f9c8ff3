import { describe, expect, it } from 'vitest';
import { nullableSerde } from '../../../topology/core/serdes/nullable-serde.ts';
import { stringSerde } from '../../../topology/core/serdes/string-serde.ts';
import { TopologyTestDriver } from '../../../topology/testing/topology-test-driver.ts';
import type { CalibratedMessage } from '../../../calibration/calibrated-message.ts';
import { buildCalibrationTopology } from '../../../calibration/calibration-topology.ts';
import { profileSetOf } from '../../../calibration/profile.ts';
import type { ProfileSet } from '../../../calibration/profile.ts';
import { parseProfile } from '../../../calibration/profile-parser.ts';

const NOW = Date.parse('2026-11-29T05:00:00.000Z');

function setOf(...sources: string[]): ProfileSet {
  return profileSetOf(sources.map((source) => {
    const sensor = /^sensor: (\S+)/m.exec(source)![1]!;
    const result = parseProfile(`${sensor}.yaml`, source);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.profile;
  }));
}

const S1 = `sensor: s1
input_unit: celsius
unit: celsius
limits: {min: -40, max: 85}
versions:
  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: -0.5}
  - {valid_from: 2026-01-01, method: linear, gain: 1, offset: -1.5}
`;
const PT100 = 'sensor: rtd\ninput_unit: ohm\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: callendar-van-dusen, R0: 100, A: 3.9083e-3, B: -5.775e-7, C: -4.183e-12}\n';

function start(profiles: () => ProfileSet) {
  const driver = new TopologyTestDriver(buildCalibrationTopology({ profiles }), { wallClockTime: NOW, dlqTopic: 'readings.dlq' });
  const raw = driver.createInputTopic('readings.raw', nullableSerde(stringSerde()), nullableSerde(stringSerde()));
  const calibrated = driver.createOutputTopic('readings.calibrated', stringSerde(), nullableSerde(stringSerde()));
  const dlq = driver.createDeadLetterTopic();
  const read = (): [string, CalibratedMessage | null] => {
    const [key, value] = calibrated.readKeyValue();
    return [key, value === null ? null : (JSON.parse(value) as CalibratedMessage)];
  };
  return { driver, raw, calibrated, dlq, read };
}

const reading = (sensor: string, ts: string, value: unknown, extra: Record<string, unknown> = {}): [string, string] =>
  [`${sensor}|${Date.parse(ts)}`, JSON.stringify({ sensor_id: sensor, ts, value, ...extra })];

describe('calibration topology', () => {
  it('calibrates readings.raw into readings.calibrated with the version in force at each reading\'s ts', () => {
    const profiles = setOf(S1, PT100);
    const { raw, read, calibrated, driver } = start(() => profiles);
    const v2025 = profiles.profiles.get('s1')!.versions[0]!.identity;
    const v2026 = profiles.profiles.get('s1')!.versions[1]!.identity;

    raw.pipeInput(...reading('s1', '2025-12-31T23:59:59.999Z', 21.5, { battery: 3.1 }));
    raw.pipeInput(...reading('s1', '2026-01-01T00:00:00.000Z', 21.5));
    raw.pipeInput(...reading('rtd', '2026-11-29T04:00:00.000Z', 138.5055));
    raw.pipeInput(...reading('nobody', '2026-11-29T04:00:00.000Z', 7));

    expect(read()).toEqual([`s1|${Date.parse('2025-12-31T23:59:59.999Z')}`, {
      sensor_id: 's1', ts: '2025-12-31T23:59:59.999Z', raw_value: 21.5, value: 21, unit: 'celsius',
      status: 'ok', profile: v2025, calibrated_at: '2026-11-29T05:00:00.000Z',
    }]);
    expect(read()[1]).toMatchObject({ value: 20, profile: v2026 });
    expect(read()[1]!.value).toBeCloseTo(100, 3);
    expect(read()[1]).toMatchObject({ status: 'uncalibrated', value: 7, profile: null });
    expect(calibrated.isEmpty()).toBe(true);
    expect(driver.producedTopicNames()).toEqual(['readings.calibrated']);
  });

  it('sends bad input to the DLQ with a code per cause and the original bytes, and goes on', () => {
    const { raw, dlq, read } = start(() => setOf(S1));
    const key = `s1|${Date.parse('2026-11-29T04:00:00Z')}`;
    const bad: [string | null, string, string][] = [
      [key, 'not json', 'NOT_JSON'],
      [key, '{"sensor_id":"s1","ts":"2026-11-29T04:00:00Z","value":"NaN"}', 'INVALID_VALUE'],
      [key, '{"ts":"2026-11-29T04:00:00Z","value":1}', 'MISSING_SENSOR_ID'],
      [key, '{"sensor_id":"s1","value":1}', 'MISSING_TS'],
      ['s1|946684799999', '{"sensor_id":"s1","ts":946684799999,"value":1}', 'TS_TOO_OLD'],
      [`s1|${NOW + 2 * 86_400_000}`, `{"sensor_id":"s1","ts":${NOW + 2 * 86_400_000},"value":1}`, 'TS_IN_FUTURE'],
      [`s2|${Date.parse('2026-11-29T04:00:00Z')}`, '{"sensor_id":"s1","ts":"2026-11-29T04:00:00Z","value":1}', 'KEY_MISMATCH'],
      [null, '{"sensor_id":"s1","ts":"2026-11-29T04:00:00Z","value":1}', 'MISSING_KEY'],
      [key, '{"sensor_id":"s1","ts":"2026-11-29T04:00:00Z","value":70,"unit":"fahrenheit"}', 'UNIT_MISMATCH'],
      [key, `{"sensor_id":"s1","ts":"2026-11-29T04:00:00Z","value":1,"pad":"${'x'.repeat(70_000)}"}`, 'TOO_LARGE'],
    ];
    for (const [k, v] of bad) raw.pipeInput(k, v);
    raw.pipeInput(...reading('s1', '2026-11-29T04:00:00.000Z', 22.5));

    bad.forEach(([k, v, code], offset) => {
      const letter = dlq.readDeadLetter();
      expect(letter.code, v.slice(0, 60)).toBe(code);
      expect(letter.key?.toString() ?? null).toBe(k);
      expect(letter.value?.toString()).toBe(v);
      expect(letter.source).toEqual({ topic: 'readings.raw', partition: 0, offset: BigInt(offset) });
      expect(letter.message.length).toBeGreaterThan(0);
    });
    expect(read()[1]).toMatchObject({ status: 'ok', value: 21 });
  });

  it('passes a raw tombstone on as a calibrated tombstone under the same key', () => {
    const { raw, read, dlq } = start(() => setOf(S1));
    raw.pipeTombstone('s1|1764392400000');
    expect(read()).toEqual(['s1|1764392400000', null]);
    expect(() => dlq.readDeadLetter()).toThrow(/no record left/);
  });

  it('applies a hot-reloaded profile set from the next record on', () => {
    let inForce = setOf(S1);
    const { raw, read } = start(() => inForce);
    raw.pipeInput(...reading('s1', '2026-11-29T04:00:00.000Z', 20));
    inForce = setOf(S1.replace('offset: -1.5', 'offset: -2'));
    raw.pipeInput(...reading('s1', '2026-11-29T04:00:01.000Z', 20));
    expect(read()[1]!.value).toBe(18.5);
    expect(read()[1]!.value).toBe(18);
  });

  it('reports out_of_range readings on readings.calibrated with a null value, not to the DLQ', () => {
    const { raw, read } = start(() => setOf(S1));
    raw.pipeInput(...reading('s1', '2026-11-29T04:00:00.000Z', 120));
    expect(read()[1]).toMatchObject({ status: 'out_of_range', value: null, raw_value: 120 });
  });

  it('reads and writes the topics it is given', () => {
    const topology = buildCalibrationTopology({ profiles: () => setOf(S1), rawTopic: 'r', calibratedTopic: 'c' });
    expect(topology.sourceTopics).toEqual(['r']);
    expect(topology.sinkTopics).toEqual(['c']);
    expect(() => buildCalibrationTopology({ profiles: () => setOf(S1), rawTopic: '' })).toThrow(/rawTopic/);
  });
});
