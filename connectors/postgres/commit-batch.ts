// One batch, one database transaction: compare-and-set every partition's offset first (so
// a zombie blocks on the row lock and then fails before writing anything), write the rows,
// delete tombstoned keys, store the dead letters (kalibra_dead_letters), queue the NOTIFY,
// commit. Either all of it is visible or none of it is; a lost compare-and-set rolls
// everything back.
//
// A row Postgres refuses as data (classifyDatabaseError: class 22, 23, 54000) must not stop
// the partition: the transaction is rolled back and done again in isolating mode, where the
// rows are written in halves, each in a savepoint, halving again only what failed, until
// each refused row stands alone; those are dead-lettered (DATABASE_REJECTED) and the rest
// commits with the offsets. k bad rows among n cost about 2k·log2(n) statements, and only
// in a batch that has one: the first attempt is exactly the common path.
//
// Insert fast path (`insertFirst`, COPY method only): rows are first COPied straight into the
// table inside a savepoint, which is all a batch of new keys needs; if any key exists (or any
// row is refused) the savepoint is rolled back and the batch is upserted through the stage as
// usual, in the same transaction, still after the compare-and-set.
import type pg from 'pg';
import type { SourceRecord } from '../../topology/index.ts';
import type { DeadLetter, WriteBatch } from './batch.ts';
import { storeDeadLetters } from './dead-letters.ts';
import { classifyDatabaseError, SinkError, sqlState } from './errors.ts';
import type { Mapping } from './mappings/mapping.ts';
import { compareAndSetOffset, notifyOffsets } from './offsets-store.ts';
import type { OffsetsKey } from './offsets-store.ts';
import { deleteKeys, insertByCopy, upsertByCopy, upsertRows } from './row-writers.ts';
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
  /** Try a plain COPY into the table first (the keys are probably new); only with method 'copy'. */
  insertFirst?: boolean;
}

export interface CommittedBatch {
  /** partition → the offset now stored. */
  stored: Map<number, bigint>;
  /** Every dead letter the transaction stored: the mapping's and the rows Postgres refused. */
  deadLetters: DeadLetter[];
  /** How the rows went in: by the insert fast path, by upsert after the fast path found existing keys, or by upsert alone. */
  written: 'inserted' | 'upserted-after-insert' | 'upserted';
}

/** Thrown inside the first attempt when Postgres refused the rows as data; never leaves commitBatch. */
class RowsRefused extends Error {}

/**
 * Commits the batch; resolves with the offsets now stored and the dead letters stored with
 * them. Throws OFFSET_CONFLICT or the database's error (a transient or fatal one: a data error
 * is never thrown, its row is dead-lettered).
 */
export async function commitBatch(client: pg.ClientBase, options: CommitBatchOptions): Promise<CommittedBatch> {
  try {
    return await commitOnce(client, options, false);
  } catch (error) {
    if (!(error instanceof RowsRefused)) throw error;
  }
  return commitOnce(client, options, true);
}

async function commitOnce(client: pg.ClientBase, options: CommitBatchOptions, isolating: boolean): Promise<CommittedBatch> {
  const { key, mapping, method, expected, advanceTo, batch } = options;
  // Sorted, so two sinks taking several partition locks always take them in the same order.
  const moves = [...advanceTo].filter(([partition, next]) => next > (expected.get(partition) ?? -1n))
    .sort(([a], [b]) => a - b);
  const stored = new Map(moves);
  const deadLetters = [...batch.deadLetters];
  let written: CommittedBatch['written'] = 'upserted';
  await client.query('BEGIN');
  try {
    for (const [partition, next] of moves) {
      await compareAndSetOffset(client, key, partition, expected.get(partition), next);
    }
    if (isolating) {
      // unnest, not COPY: the COPY stage keeps its rows until COMMIT, so a second COPY in the
      // same transaction would upsert the first one's rows again.
      deadLetters.push(...await isolateRefused(client, batch.upserts, batch.upsertSources,
        (rows) => upsertRows(client, 'unnest', key.schema, mapping, rows)));
      deadLetters.push(...await isolateRefused(client, batch.deletes, batch.deleteSources,
        (keys) => deleteKeys(client, key.schema, mapping, keys)));
    } else {
      try {
        // With COPY only the encoded text is sent: batch.upserts (the rows) is not even built.
        if (method !== 'copy') await upsertRows(client, method, key.schema, mapping, batch.upserts);
        else if (options.insertFirst === true && batch.copyText !== '') written = await insertOrUpsert(client, options);
        else await upsertByCopy(client, key.schema, mapping, batch.copyText);
        await deleteKeys(client, key.schema, mapping, batch.deletes);
      } catch (error) {
        if (classifyDatabaseError(error) === 'data') throw new RowsRefused('rows refused', { cause: error });
        throw error;
      }
    }
    deadLetters.sort((a, b) => a.record.partition - b.record.partition || Number(a.record.offset - b.record.offset));
    await storeDeadLetters(client, key, deadLetters);
    await notifyOffsets(client, key, stored);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { stored, deadLetters, written };
}

/** The insert fast path: COPY into the table in a savepoint, else roll it back and upsert. */
async function insertOrUpsert(client: pg.ClientBase, options: CommitBatchOptions): Promise<CommittedBatch['written']> {
  const { key, mapping, batch } = options;
  await client.query('SAVEPOINT kalibra_insert');
  try {
    await insertByCopy(client, key.schema, mapping, batch.copyText);
    await client.query('RELEASE SAVEPOINT kalibra_insert');
    return 'inserted';
  } catch (error) {
    // A key that exists (23505) or a row refused as data: the upsert sorts it out (and a refused
    // row is then isolated as usual). Anything else fails the transaction.
    if (classifyDatabaseError(error) !== 'data') throw error;
    await client.query('ROLLBACK TO SAVEPOINT kalibra_insert');
  }
  await upsertByCopy(client, key.schema, mapping, batch.copyText);
  return 'upserted-after-insert';
}

/**
 * Writes `items` in savepoints, halving what Postgres refuses as data until each refused item
 * stands alone. Resolves with a dead letter per refused item; any other error is thrown (the
 * whole transaction is then retried).
 */
async function isolateRefused<T>(client: pg.ClientBase, items: readonly T[], sources: readonly SourceRecord[],
  write: (items: readonly T[]) => Promise<void>): Promise<DeadLetter[]> {
  const refused: DeadLetter[] = [];
  const attempt = async (from: number, to: number): Promise<void> => {
    await client.query('SAVEPOINT kalibra_rows');
    try {
      await write(items.slice(from, to));
      await client.query('RELEASE SAVEPOINT kalibra_rows');
      return;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT kalibra_rows');
      await client.query('RELEASE SAVEPOINT kalibra_rows');
      if (classifyDatabaseError(error) !== 'data') throw error;
      if (to - from === 1) {
        refused.push({ record: sources[from]!, error: refusedBy(error as Error) });
        return;
      }
    }
    await halves(from, to);
  };
  // The whole range is known to fail (the first attempt said so): start with its halves.
  const halves = async (from: number, to: number): Promise<void> => {
    if (to - from <= 1) {
      await attempt(from, to);
      return;
    }
    const middle = from + Math.ceil((to - from) / 2);
    await attempt(from, middle);
    await attempt(middle, to);
  };
  if (items.length > 0) await halves(0, items.length);
  return refused;
}

function refusedBy(error: Error): SinkError {
  return new SinkError('DATABASE_REJECTED', `Postgres refused the row (SQLSTATE ${sqlState(error)}): ${error.message}`,
    { cause: error });
}
