// Turns a run of consumed records into what one database transaction must do: the rows to
// upsert, the keys to delete, the records to dead-letter, and the next offset per
// partition. Pure. Within a batch the last record per (sensor_id, ts) wins in offset order,
// so one upsert statement never touches a row twice and a tombstone after a value deletes.
import type { SourceRecord } from '../../topology/index.ts';
import { SinkError } from './errors.ts';
import { readingKeyFields } from './mappings/fields.ts';
import { keyIndexes } from './mappings/mapping.ts';
import type { Mapping, Row } from './mappings/mapping.ts';

export interface DeadLetter {
  readonly record: SourceRecord;
  readonly error: SinkError;
}

export interface WriteBatch {
  readonly upserts: Row[];
  /** The record each upsert comes from (same index), for dead-lettering a row Postgres refuses. */
  readonly upsertSources: SourceRecord[];
  readonly deletes: { sensorId: string; ts: string }[];
  /** The tombstone each delete comes from (same index). */
  readonly deleteSources: SourceRecord[];
  readonly deadLetters: DeadLetter[];
  /** partition → first offset after the last record of that partition in the batch. */
  readonly nextOffsets: Map<number, bigint>;
  readonly records: number;
}

type Operation = { kind: 'upsert'; row: Row; record: SourceRecord } | { kind: 'delete'; sensorId: string; ts: string; record: SourceRecord };

/** `records` must be in offset order per partition (as consumed). */
export function buildBatch(mapping: Mapping, records: readonly SourceRecord[]): WriteBatch {
  const latest = new Map<string, Operation>();
  const deadLetters: DeadLetter[] = [];
  const nextOffsets = new Map<number, bigint>();
  const [sensorIdAt, tsAt] = keyIndexes(mapping);
  for (const record of records) {
    const next = record.offset + 1n;
    if ((nextOffsets.get(record.partition) ?? -1n) < next) nextOffsets.set(record.partition, next);
    try {
      if (record.value === null) {
        const { sensorId, ts } = readingKeyFields(record.key);
        latest.set(`${sensorId}\u0000${ts}`, { kind: 'delete', sensorId, ts, record });
      } else {
        const row = mapping.toRow({ ...record, value: record.value });
        latest.set(`${String(row[sensorIdAt])}\u0000${String(row[tsAt])}`, { kind: 'upsert', row, record });
      }
    } catch (error) {
      const reason = error instanceof SinkError
        ? error
        : new SinkError('RECORD_INVALID_FIELD', `mapping ${mapping.name} failed: ${String(error)}`, { cause: error });
      deadLetters.push({ record, error: reason });
    }
  }
  const upserts: Row[] = [];
  const upsertSources: SourceRecord[] = [];
  const deletes: { sensorId: string; ts: string }[] = [];
  const deleteSources: SourceRecord[] = [];
  for (const operation of latest.values()) {
    if (operation.kind === 'upsert') {
      upserts.push(operation.row);
      upsertSources.push(operation.record);
    } else {
      deletes.push({ sensorId: operation.sensorId, ts: operation.ts });
      deleteSources.push(operation.record);
    }
  }
  return { upserts, upsertSources, deletes, deleteSources, deadLetters, nextOffsets, records: records.length };
}
