import { describe, expect, it } from 'vitest';
import { nullableSerde } from '../../../topology/core/serdes/nullable-serde.ts';
import { stringSerde } from '../../../topology/core/serdes/string-serde.ts';
import { TopologyTestDriver } from '../../../topology/testing/topology-test-driver.ts';
import { buildCalibrationTopology, outputPartitionKey } from '../../../calibration/calibration-topology.ts';
import { profileSetOf } from '../../../calibration/profile.ts';
import { parseProfile } from '../../../calibration/profile-parser.ts';

const NOW = Date.parse('2026-11-29T05:00:00.000Z');
const S1 = 'sensor: s1\ninput_unit: celsius\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: -0.5}\n';

function start() {
  const parsed = parseProfile('s1.yaml', S1);
  if (!parsed.ok) throw new Error('bad fixture');
  const profiles = profileSetOf([parsed.profile]);
  const topology = buildCalibrationTopology({ profiles: () => profiles, outputFormat: 'connect-json' });
  const driver = new TopologyTestDriver(topology, { wallClockTime: NOW, dlqTopic: 'readings.dlq' });
  return {
    raw: driver.createInputTopic('readings.raw', nullableSerde(stringSerde()), nullableSerde(stringSerde())),
    out: driver.createOutputTopic('readings.calibrated', stringSerde(), nullableSerde(stringSerde())),
  };
}

describe('the calibration topology with outputFormat connect-json', () => {
  it('writes Kafka Connect JSON keys and values that carry the calibrated reading', () => {
    const { raw, out } = start();
    const ts = '2026-11-29T04:00:00.000Z';
    raw.pipeInput(`s1|${Date.parse(ts)}`, JSON.stringify({ sensor_id: 's1', ts, value: 21.5 }));
    const [key, value] = out.readKeyValue();
    const parsedKey = JSON.parse(key) as { schema: unknown; payload: { sensor_id: string; ts: number } };
    expect(parsedKey.payload).toEqual({ sensor_id: 's1', ts: Date.parse(ts) });
    const parsedValue = JSON.parse(value!) as { schema: { type: string }; payload: Record<string, unknown> };
    expect(parsedValue.schema.type).toBe('struct');
    expect(parsedValue.payload).toMatchObject({ sensor_id: 's1', ts: Date.parse(ts), raw_value: 21.5, value: 21, status: 'ok', calibrated_at: NOW });
  });

  it('turns a raw tombstone into a Connect JSON key with a null value, so the JDBC sink deletes the row', () => {
    const { raw, out } = start();
    raw.pipeTombstone('s1|1764388800000');
    const [key, value] = out.readKeyValue();
    expect((JSON.parse(key) as { payload: unknown }).payload).toEqual({ sensor_id: 's1', ts: 1764388800000 });
    expect(value).toBeNull();
  });

  it('partitions both formats by the sensor, so a sensor keeps one partition', () => {
    const kalibraKey = Buffer.from('sensor-007|1764388800000');
    const connectKey = Buffer.from(JSON.stringify({ schema: {}, payload: { sensor_id: 'sensor-007', ts: 1764388800000 } }));
    expect(outputPartitionKey('kalibra')(kalibraKey).toString()).toBe('sensor-007');
    expect(outputPartitionKey('connect-json')(connectKey).toString()).toBe('sensor-007');
  });
});
