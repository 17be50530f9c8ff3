// One example record for every code the calibrator dead-letters a raw reading with
// (ReadingErrorCodes): the key and value bytes a producer sent. They are the examples of
// the dead-letter message in contract/specs/asyncapi.yaml, and a unit test proves each one
// is rejected with its code by the validator the calibrator runs.
import { ReadingErrorCodes, type ReadingErrorCode } from '../../calibration/errors.ts';

/** The `now` the examples are judged against (TS_IN_FUTURE). */
export const EXAMPLE_NOW = Date.parse('2026-11-29T04:38:12.123Z');
const TS = EXAMPLE_NOW;
const ISO = new Date(TS).toISOString();
const KEY = `sensor-001|${TS}`;

export interface DeadLetterExample {
  code: ReadingErrorCode;
  summary: string;
  key: string | null;
  value: Buffer;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const reading = (fields: Record<string, unknown>): Buffer => json({ sensor_id: 'sensor-001', ts: ISO, value: 21.37, unit: 'celsius', ...fields });

const examples: Record<ReadingErrorCode, Omit<DeadLetterExample, 'code'>> = {
  TOO_LARGE: { summary: 'a value over 64 KiB', key: KEY, value: reading({ note: 'x'.repeat(65_536) }) },
  INVALID_ENCODING: { summary: 'bytes that are not UTF-8 (Latin-1 °C)', key: KEY, value: Buffer.concat([Buffer.from('{"sensor_id":"sensor-001","unit":"'), Buffer.from([0xb0]), Buffer.from('C"}')]) },
  NOT_JSON: { summary: 'CSV instead of JSON', key: KEY, value: Buffer.from(`sensor-001,${ISO},21.37`) },
  NOT_AN_OBJECT: { summary: 'a JSON array', key: KEY, value: json(['sensor-001', ISO, 21.37]) },
  INVALID_ENVELOPE: {
    summary: 'a Connect JSON envelope whose schema declares ts as a string',
    key: KEY,
    value: json({
      schema: { type: 'struct', fields: [{ field: 'sensor_id', type: 'string' }, { field: 'ts', type: 'string' }, { field: 'value', type: 'double' }] },
      payload: { sensor_id: 'sensor-001', ts: ISO, value: 21.37 },
    }),
  },
  DUPLICATE_KEY: { summary: 'value given twice (JSON.parse would keep the last)', key: KEY, value: Buffer.from(`{"sensor_id":"sensor-001","ts":"${ISO}","value":"x","value":21.37}`) },
  MISSING_SENSOR_ID: { summary: 'no sensor_id', key: KEY, value: json({ ts: ISO, value: 21.37 }) },
  INVALID_SENSOR_ID: { summary: 'a sensor_id with a space', key: KEY, value: reading({ sensor_id: 'sensor 001' }) },
  MISSING_TS: { summary: 'no ts', key: KEY, value: json({ sensor_id: 'sensor-001', value: 21.37 }) },
  INVALID_TS: { summary: 'a ts without a zone', key: KEY, value: reading({ ts: '2026-11-29T04:38:12.123' }) },
  TS_TOO_OLD: { summary: 'epoch seconds instead of milliseconds (a time in 1970)', key: `sensor-001|${Math.floor(TS / 1000)}`, value: reading({ ts: Math.floor(TS / 1000) }) },
  TS_IN_FUTURE: { summary: 'a ts 30 days ahead', key: `sensor-001|${TS + 30 * 86_400_000}`, value: reading({ ts: TS + 30 * 86_400_000 }) },
  MISSING_VALUE: { summary: 'value null', key: KEY, value: reading({ value: null }) },
  VALUE_NOT_NUMBER: { summary: 'value as a string', key: KEY, value: reading({ value: '21.37' }) },
  INVALID_VALUE: { summary: 'value "NaN"', key: KEY, value: reading({ value: 'NaN' }) },
  INVALID_UNIT: { summary: 'an empty unit', key: KEY, value: reading({ unit: '' }) },
  MISSING_KEY: { summary: 'a record without a key', key: null, value: reading({}) },
  INVALID_KEY: { summary: 'a key that is only the sensor id', key: 'sensor-001', value: reading({}) },
  KEY_MISMATCH: { summary: 'a key with the time in seconds', key: `sensor-001|${Math.floor(TS / 1000)}`, value: reading({}) },
  UNIT_MISMATCH: { summary: 'ohm for a sensor whose profile takes celsius', key: KEY, value: reading({ unit: 'ohm' }) },
};

export const deadLetterExamples: readonly DeadLetterExample[] = ReadingErrorCodes.map((code) => ({ code, ...examples[code] }));
