// kalibra_sink_offsets: where each sink resumes, and what the gate admits. Reading is
// plain; moving is only ever a compare-and-set on the value this sink last saw, inside
// the batch's transaction, so of two processes that both think they own a partition
// exactly one can move it past a given offset.
import type pg from 'pg';
import { SinkError } from './errors.ts';
import { advanceOffsetSql, insertOffsetSql, notifySql, OFFSETS_CHANNEL, readOffsetsSql } from './sql.ts';
import type { OffsetNotification } from './sql.ts';

export interface OffsetsKey {
  schema: string;
  connector: string;
  topic: string;
}

/** partition → next_offset as stored. Partitions never written are absent. */
export async function readStoredOffsets(client: pg.ClientBase, key: OffsetsKey): Promise<Map<number, bigint>> {
  const { rows } = await client.query<{ partition: number; next_offset: string }>(
    readOffsetsSql(key.schema), [key.connector, key.topic]);
  return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
}

/**
 * Moves `partition` from `expected` (undefined: no row yet) to `next`, or throws
 * OFFSET_CONFLICT when the stored value is no longer `expected`. Must run inside a
 * transaction; the row lock it takes is held until that transaction ends, which is what
 * makes a concurrent zombie wait and then fail instead of interleaving.
 */
export async function compareAndSetOffset(client: pg.ClientBase, key: OffsetsKey, partition: number,
  expected: bigint | undefined, next: bigint): Promise<void> {
  const result = expected === undefined
    ? await client.query(insertOffsetSql(key.schema), [key.connector, key.topic, partition, next.toString()])
    : await client.query(advanceOffsetSql(key.schema),
      [key.connector, key.topic, partition, next.toString(), expected.toString()]);
  if (result.rowCount !== 1) {
    throw new SinkError('OFFSET_CONFLICT',
      `${key.connector} ${key.topic}[${partition}]: stored offset is no longer ${expected ?? 'unset'}; another sink advanced it`);
  }
}

/** Queues one NOTIFY per partition; Postgres delivers them when (and only if) the transaction commits. */
export async function notifyOffsets(client: pg.ClientBase, key: OffsetsKey, offsets: Map<number, bigint>): Promise<void> {
  if (offsets.size === 0) return;
  const payloads = [...offsets].map(([partition, next]) => JSON.stringify({
    schema: key.schema, connector: key.connector, topic: key.topic, partition, next_offset: next.toString(),
  } satisfies OffsetNotification));
  await client.query(notifySql(), [OFFSETS_CHANNEL, payloads]);
}
