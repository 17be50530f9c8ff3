// Builds the calibrated-reading message of docs/architecture.md#messages (readings.calibrated value)
// from a reading and its calibration result. Pure: `calibratedAt` is passed in. Field
// names and order are the wire format; change them only with the sinks.
import type { CalibrationResult, CalibrationStatus } from './calibrate.ts';
import type { RawReading } from './raw-reading.ts';

export interface CalibratedMessage {
  sensor_id: string;
  /** ISO-8601 UTC with milliseconds, whatever form the raw reading used. */
  ts: string;
  raw_value: number;
  value: number | null;
  unit: string | null;
  status: CalibrationStatus;
  profile: string | null;
  calibrated_at: string;
}

export function calibratedMessage(reading: Pick<RawReading, 'sensorId' | 'ts' | 'value'>, result: CalibrationResult, calibratedAt: number): CalibratedMessage {
  return {
    sensor_id: reading.sensorId,
    ts: new Date(reading.ts).toISOString(),
    raw_value: reading.value,
    value: result.value,
    unit: result.unit,
    status: result.status,
    profile: result.profile,
    calibrated_at: new Date(calibratedAt).toISOString(),
  };
}

export function encodeCalibratedMessage(message: CalibratedMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}
