// What a mapping is: how one topic's record values become rows of one table. A mapping is
// pure (bytes in, a row or a SinkError out) so it is tested without a database, and the
// batch writer needs nothing else to know about a table than its columns.
import { SinkError } from '../errors.ts';
import type { SourceRecord } from '../../../topology/index.ts';

/** Postgres types the writers know how to cast an array of (or COPY) to. */
export type ColumnType = 'text' | 'timestamptz' | 'float8' | 'jsonb' | 'int4' | 'int8';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** One cell, as text or number; null is SQL NULL. Timestamps are ISO-8601 strings. */
export type Cell = string | number | null;

/** A row in column order (Mapping.columns). */
export type Row = readonly Cell[];

export interface Mapping {
  readonly name: MappingName;
  readonly table: string;
  /** In row order. */
  readonly columns: readonly Column[];
  /**
   * The primary key: the columns the reading key `<sensor_id>|<ts>` (contract/reading-key.ts)
   * fills, sensor id first, then ts. Rows are deduplicated and tombstones deleted by these.
   */
  readonly keyColumns: readonly [sensorId: string, ts: string];
  /** Maps a non-tombstone record to its row; throws a SinkError (RECORD_*) when it cannot. */
  toRow(record: SourceRecord & { value: Buffer }): Row;
}

export { MappingNames } from '../sink-names.ts';
export type { MappingName } from '../sink-names.ts';
import type { MappingName } from '../sink-names.ts';

/** Where the key columns sit in a row, sensor id first, then ts. */
export function keyIndexes(mapping: Mapping): readonly [sensorId: number, ts: number] {
  const at = (name: string): number => {
    const index = mapping.columns.findIndex((column) => column.name === name);
    if (index < 0) throw new SinkError('CONFIG_INVALID', `mapping ${mapping.name}: key column ${name} is not one of its columns`);
    return index;
  };
  return [at(mapping.keyColumns[0]), at(mapping.keyColumns[1])];
}
