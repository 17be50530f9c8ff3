import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { nullableSerde } from '../../../../topology/core/serdes/nullable-serde.ts';
import { stringSerde } from '../../../../topology/core/serdes/string-serde.ts';
import { TopologyTestDriver } from '../../../../topology/testing/topology-test-driver.ts';
import type { CalibratedMessage } from '../../../../calibration/calibrated-message.ts';
import { buildCalibrationTopology } from '../../../../calibration/calibration-topology.ts';
import { watchProfiles } from '../../../../app/profile-files/profile-watcher.ts';
import { waitFor } from '../../../helpers/stack.ts';

const profile = (offset: string): string =>
  `sensor: sensor-001\ninput_unit: celsius\nunit: celsius\nversions:\n  - {valid_from: 2025-01-01, method: linear, gain: 1, offset: ${offset}}\n`;

describe('calibration topology with the profile watcher', () => {
  it('calibrates with a ConfigMap update from the next record on, and ignores an invalid one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kalibra-hot-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const publish = (generation: number, content: string): void => {
      const stamped = `..2026_11_29_05_00_0${generation}.000000000`;
      mkdirSync(join(dir, stamped));
      writeFileSync(join(dir, stamped, 'sensor-001.yaml'), content);
      symlinkSync(stamped, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    publish(1, profile('-0.5'));
    symlinkSync(join('..data', 'sensor-001.yaml'), join(dir, 'sensor-001.yaml'));

    const rejected: string[] = [];
    const watcher = await watchProfiles({ dir, onRejected: (e) => rejected.push(e.message) });
    onTestFinished(() => watcher.close());
    const now = Date.parse('2026-11-29T05:00:00Z');
    const driver = new TopologyTestDriver(buildCalibrationTopology({ profiles: () => watcher.current() }), { wallClockTime: now });
    const raw = driver.createInputTopic('readings.raw', stringSerde(), stringSerde());
    const out = driver.createOutputTopic('readings.calibrated', stringSerde(), nullableSerde(stringSerde()));
    const calibrate = (value: number): number | null => {
      raw.pipeInput(`sensor-001|${now}`, JSON.stringify({ sensor_id: 'sensor-001', ts: now, value }));
      return (JSON.parse(out.readValue()!) as CalibratedMessage).value;
    };

    expect(calibrate(20)).toBe(19.5);
    publish(2, profile('-1.25'));
    await waitFor(() => calibrate(20) === 18.75, { timeoutMs: 2000, message: 'the new profile to calibrate' });

    publish(3, profile('minus one'));
    await waitFor(() => rejected.length > 0, { timeoutMs: 2000, message: 'the invalid profile to be rejected' });
    expect(rejected[0]).toMatch(/sensor-001\.yaml:5:\d+: versions\[0\]\.offset: expected number, received string/);
    expect(calibrate(20)).toBe(18.75);
  });
});
