// What a mapping is: how one topic's record values become rows of one table. A mapping is
// pure (bytes in, a row or a SinkError out) so it is tested without a database, and the
// batch writer needs nothing else to know about a table than its columns.
import type { SourceRecord } from '../../../topology/core/task.ts';

/** Postgres types the writers know how to cast an array of (or COPY) to. */
export type ColumnType = 'text' | 'timestamptz' | 'float8' | 'jsonb' | 'int4' | 'int8';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** One cell, as text or number; null is SQL NULL. Timestamps are ISO-8601 strings. */
export type Cell = string | number | null;

/** A row in column order. Columns 0 and 1 are always sensor_id and ts (the primary key). */
export type Row = readonly Cell[];

export interface Mapping {
  readonly name: MappingName;
  readonly table: string;
  /** In row order; the first two are the primary key (sensor_id, ts). */
  readonly columns: readonly Column[];
  /** Maps a non-tombstone record to its row; throws a SinkError (RECORD_*) when it cannot. */
  toRow(record: SourceRecord & { value: Buffer }): Row;
}

export const MappingNames = ['raw', 'calibrated'] as const;
export type MappingName = (typeof MappingNames)[number];
