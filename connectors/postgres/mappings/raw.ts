// readings.raw → raw_readings. Keeps everything a producer sent: known fields in their
// columns, unknown ones in `extra`, and where the record came from (partition, offset).
// Rejects only what cannot be stored faithfully; plausibility is the calibrator's job.
import type { SourceRecord } from '../../../topology/index.ts';
import { extraJson, optionalString, parseObject, requiredNumber, requiredString, requiredTimestamp } from './fields.ts';
import type { JsonObject } from './fields.ts';
import type { Mapping, Row } from './mapping.ts';

const known = new Set(['sensor_id', 'ts', 'value', 'unit']);

export const rawMapping: Mapping = {
  name: 'raw',
  table: 'raw_readings',
  keyColumns: ['sensor_id', 'ts'],
  columns: [
    { name: 'sensor_id', type: 'text' },
    { name: 'ts', type: 'timestamptz' },
    { name: 'value', type: 'float8' },
    { name: 'unit', type: 'text' },
    { name: 'extra', type: 'jsonb' },
    { name: 'kafka_partition', type: 'int4' },
    { name: 'kafka_offset', type: 'int8' },
  ],
  toRow(record: SourceRecord & { value: Buffer }): Row {
    const reading = parseObject(record.value);
    // A plain loop: no entry arrays per record. Null prototype, so a field named __proto__ is data.
    const extra: JsonObject = Object.create(null) as JsonObject;
    for (const field of Object.keys(reading)) if (!known.has(field)) extra[field] = reading[field];
    return [
      requiredString(reading, 'sensor_id'),
      requiredTimestamp(reading, 'ts'),
      requiredNumber(reading, 'value'),
      optionalString(reading, 'unit'),
      extraJson(extra),
      record.partition,
      record.offset.toString(),
    ];
  },
};
