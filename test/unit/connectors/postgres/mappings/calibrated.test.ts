import { describe, expect, it } from 'vitest';
import { calibratedMapping } from '../../../../../connectors/postgres/mappings/calibrated.ts';
import type { SourceRecord } from '../../../../../topology/core/task.ts';

function record(value: unknown): SourceRecord & { value: Buffer } {
  return { topic: 'readings.calibrated', partition: 0, offset: 0n, timestamp: 0n, key: null, headers: new Map(), value: Buffer.from(JSON.stringify(value)) };
}

const calibrated = {
  sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', raw_value: 21.37, value: 20.94, unit: 'celsius',
  status: 'ok', profile: 'sensor-001@2025-06-01#3f9a1c2e7b10', calibrated_at: '2026-11-29T04:38:12.201Z',
};

describe('the calibrated mapping', () => {
  it('maps a calibrated reading to calibrated_readings columns', () => {
    expect(calibratedMapping.toRow(record(calibrated))).toEqual([
      'sensor-001', '2026-11-29T04:38:12.123Z', 21.37, 20.94, 'celsius', 'ok', 'sensor-001@2025-06-01#3f9a1c2e7b10', '2026-11-29T04:38:12.201Z']);
  });

  it('stores an out_of_range reading with a null value and an uncalibrated one without a profile', () => {
    expect(calibratedMapping.toRow(record({ ...calibrated, status: 'out_of_range', value: null }))[3]).toBeNull();
    expect(calibratedMapping.toRow(record({ ...calibrated, status: 'uncalibrated', profile: null }))[6]).toBeNull();
  });

  it.each([
    ['a missing status', { ...calibrated, status: undefined }],
    ['a value that is a string', { ...calibrated, value: '20.9' }],
    ['a calibrated_at that is not a timestamp', { ...calibrated, calibrated_at: 'now' }],
    ['a missing ts', { ...calibrated, ts: undefined }],
  ])('rejects %s with RECORD_INVALID_FIELD', (_what, value) => {
    expect(() => calibratedMapping.toRow(record(value))).toThrow(expect.objectContaining({ code: 'RECORD_INVALID_FIELD' }));
  });
});
