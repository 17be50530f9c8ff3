import { describe, expect, it } from 'vitest';
import { calibratedMessage, encodeCalibratedMessage } from '../../../calibration/calibrated-message.ts';

describe('calibratedMessage', () => {
  it('builds the docs/architecture.md#messages message with calibrated_at from the injected now', () => {
    const message = calibratedMessage({ sensorId: 'sensor-001', ts: Date.parse('2026-11-29T04:38:12.123Z'), value: 21.37 },
      { value: 20.94, status: 'ok', profile: 'sensor-001@2025-06-01#3f9a1c2e7b10', unit: 'celsius' },
      Date.parse('2026-11-29T04:38:12.201Z'));
    expect(JSON.parse(encodeCalibratedMessage(message).toString())).toEqual({
      sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', raw_value: 21.37, value: 20.94, unit: 'celsius',
      status: 'ok', profile: 'sensor-001@2025-06-01#3f9a1c2e7b10', calibrated_at: '2026-11-29T04:38:12.201Z',
    });
  });

  it('writes ts as ISO-8601 UTC even when the reading came in epoch ms, and keeps null value and profile', () => {
    const message = calibratedMessage({ sensorId: 's', ts: 1_764_391_092_123, value: 99 },
      { value: null, status: 'out_of_range', profile: null, unit: null }, 0);
    expect(message).toMatchObject({ ts: '2025-11-29T04:38:12.123Z', value: null, profile: null, calibrated_at: '1970-01-01T00:00:00.000Z' });
  });
});
