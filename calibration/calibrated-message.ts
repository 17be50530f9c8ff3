// Builds the calibrated-reading message of docs/architecture.md#messages (readings.calibrated value)
// from a reading and its calibration result. Pure: `calibratedAt` is passed in. Field
// names and order are the wire format; change them only with the sinks.
// The zod schema below is the one definition of the format: the type is inferred from it and
// contract/specs/calibrated-reading.schema.json is generated from it (dev/contract-specs.ts).
import { z } from 'zod';
import { CalibrationStatuses } from './calibrate.ts';
import type { CalibrationResult } from './calibrate.ts';
import type { RawReading } from './raw-reading.ts';

const isoUtcMs = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

export const calibratedReadingSchema = z.object({
  sensor_id: z.string().meta({ description: 'the sensor id of the raw reading' }),
  ts: isoUtcMs.meta({ description: 'the reading time, ISO-8601 UTC with milliseconds, whatever form the raw reading used' }),
  raw_value: z.number().meta({ description: 'the raw reading\'s value' }),
  value: z.number().nullable().meta({ description: 'the calibrated value; the raw value when uncalibrated, null when out_of_range' }),
  unit: z.string().nullable().meta({ description: 'the unit of value' }),
  status: z.enum(CalibrationStatuses).meta({ description: 'ok; uncalibrated (no profile covers the sensor at ts); out_of_range (value is null)' }),
  profile: z.string().nullable().meta({ description: 'the exact profile version used, `<sensor>@<valid_from>#<12 hex digits of its content hash>`; null when uncalibrated' }),
  calibrated_at: isoUtcMs.meta({ description: 'when the calibrator computed it, ISO-8601 UTC with milliseconds' }),
}).meta({
  title: 'Kalibra calibrated reading',
  description: 'The value of a readings.calibrated record, keyed by the raw record\'s key. Field order is part of the format.',
});

export type CalibratedMessage = z.infer<typeof calibratedReadingSchema>;

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
