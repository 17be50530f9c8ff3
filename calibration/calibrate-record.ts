// One raw record in, one decision out: the calibrated record to send, a tombstone to pass
// on, or the reason to dead-letter it. Pure (profiles and now are passed in), so the
// calibration topology is only wiring, and every decision is testable without Kafka.
// It must never throw for bad input: every bad record becomes a dead-letter outcome with a code.
import { calibrate } from './calibrate.ts';
import { calibratedMessage, encodeCalibratedMessage } from './calibrated-message.ts';
import type { CalibratedMessage } from './calibrated-message.ts';
import { CalibrationError } from './errors.ts';
import type { ProfileSet } from './profile.ts';
import { parseRawReading } from './raw-reading.ts';

export type RecordOutcome =
  /** Send `value` under the raw record's own key to readings.calibrated. */
  | { kind: 'calibrated'; key: Buffer; value: Buffer; message: CalibratedMessage }
  /** A raw tombstone deletes the reading downstream too: send a tombstone under the same key. */
  | { kind: 'tombstone'; key: Buffer }
  | { kind: 'dead-letter'; error: CalibrationError };

export function calibrateRecord(record: { key: Buffer | null; value: Buffer | null }, profiles: ProfileSet, now: number): RecordOutcome {
  if (record.value === null) {
    if (record.key === null || record.key.length === 0) {
      return { kind: 'dead-letter', error: new CalibrationError('MISSING_KEY', 'a tombstone without a key deletes nothing') };
    }
    return { kind: 'tombstone', key: record.key };
  }
  const parsed = parseRawReading(record.value, { now, key: record.key });
  if (!parsed.ok) return { kind: 'dead-letter', error: parsed.error };
  try {
    const result = calibrate(parsed.reading, profiles);
    const message = calibratedMessage(parsed.reading, result, now);
    // parseRawReading has checked the key is present and matches.
    return { kind: 'calibrated', key: record.key!, value: encodeCalibratedMessage(message), message };
  } catch (error) {
    if (error instanceof CalibrationError) return { kind: 'dead-letter', error };
    throw error;
  }
}
