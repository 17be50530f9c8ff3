// One batch, one database transaction: compare-and-set every partition's offset first (so
// a zombie blocks on the row lock and then fails before writing anything), write the rows,
// delete tombstoned keys, queue the NOTIFY, hand the dead letters to Kafka, commit. Either
// all of it is visible or none of it is; a lost compare-and-set rolls everything back.
import type pg from 'pg';
import type { WriteBatch, DeadLetter } from './batch.ts';
import type { Mapping } from './mappings/mapping.ts';
import { compareAndSetOffset, notifyOffsets } from './offsets-store.ts';
import type { OffsetsKey } from './offsets-store.ts';
import { deleteKeys, upsertRows } from './row-writers.ts';
import type { WriteMethod } from './row-writers.ts';

export interface CommitBatchOptions {
  key: OffsetsKey;
  mapping: Mapping;
  method: WriteMethod;
  /** partition → the stored next_offset this sink last saw (absent: no row yet). */
  expected: ReadonlyMap<number, bigint>;
  /**
   * partition → where to move it. Usually batch.nextOffsets; may be further (past
   * transaction markers) and may name partitions with no records in the batch.
   */
  advanceTo: ReadonlyMap<number, bigint>;
  batch: WriteBatch;
  /**
   * Produces the dead letters and resolves once Kafka acknowledged them. Called after the
   * compare-and-set won and before COMMIT, so a record is in the DLQ before the offset
   * moves past it (a crash in between can only duplicate a DLQ entry, never lose one).
   */
  deadLetter: (deadLetters: DeadLetter[]) => Promise<void>;
}

/** Commits the batch; resolves with the offsets now stored. Throws OFFSET_CONFLICT or the database's error. */
export async function commitBatch(client: pg.ClientBase, options: CommitBatchOptions): Promise<Map<number, bigint>> {
  const { key, mapping, method, expected, advanceTo, batch } = options;
  // Sorted, so two sinks taking several partition locks always take them in the same order.
  const moves = [...advanceTo].filter(([partition, next]) => next > (expected.get(partition) ?? -1n))
    .sort(([a], [b]) => a - b);
  const stored = new Map(moves);
  await client.query('BEGIN');
  try {
    for (const [partition, next] of moves) {
      await compareAndSetOffset(client, key, partition, expected.get(partition), next);
    }
    await upsertRows(client, method, key.schema, mapping, batch.upserts);
    await deleteKeys(client, key.schema, mapping, batch.deletes);
    await notifyOffsets(client, key, stored);
    if (batch.deadLetters.length > 0) await options.deadLetter(batch.deadLetters);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return stored;
}
