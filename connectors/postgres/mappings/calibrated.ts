// readings.calibrated → calibrated_readings. The calibrator already validated the reading;
// this only checks that each field fits its column, so a bug upstream lands in the DLQ
// instead of stopping the sink.
import type { SourceRecord } from '../../../topology/index.ts';
import {
  optionalNumber, optionalString, optionalTimestamp, parseObject, requiredString, requiredTimestamp,
} from './fields.ts';
import type { Mapping, Row } from './mapping.ts';

export const calibratedMapping: Mapping = {
  name: 'calibrated',
  table: 'calibrated_readings',
  keyColumns: ['sensor_id', 'ts'],
  columns: [
    { name: 'sensor_id', type: 'text' },
    { name: 'ts', type: 'timestamptz' },
    { name: 'raw_value', type: 'float8' },
    { name: 'value', type: 'float8' },
    { name: 'unit', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'profile', type: 'text' },
    { name: 'calibrated_at', type: 'timestamptz' },
  ],
  toRow(record: SourceRecord & { value: Buffer }): Row {
    const reading = parseObject(record.value);
    return [
      requiredString(reading, 'sensor_id'),
      requiredTimestamp(reading, 'ts'),
      optionalNumber(reading, 'raw_value'),
      optionalNumber(reading, 'value'),
      optionalString(reading, 'unit'),
      requiredString(reading, 'status'),
      optionalString(reading, 'profile'),
      optionalTimestamp(reading, 'calibrated_at'),
    ];
  },
};
