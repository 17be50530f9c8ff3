// kalibra_dead_letters: the sink's dead letters, stored in the batch's own transaction (so
// Postgres holds each exactly once, keyed by the source record) and read back by the
// publisher (dead-letter-producer.ts), which produces them to the DLQ topic.
import type pg from 'pg';
import type { SourceRecord } from '../../topology/index.ts';
import type { DeadLetter } from './batch.ts';
import { SinkError, SinkErrorCodes, sqlState } from './errors.ts';
import type { SinkErrorCode } from './errors.ts';
import type { OffsetsKey } from './offsets-store.ts';
import { insertDeadLettersSql, markDeadLettersPublishedSql, pendingDeadLettersSql } from './sql.ts';

/** Longer messages are cut: the DLQ header is capped at 4 KiB anyway. */
const MAX_ERROR_MESSAGE_CHARS = 4_096;

/** A stored dead letter, as the publisher reads it back. */
export interface StoredDeadLetter {
  readonly record: SourceRecord;
  readonly error: SinkError;
  /** The SQLSTATE of a row Postgres refused (DATABASE_REJECTED). */
  readonly sqlstate: string | undefined;
}

/** Stores the dead letters inside the caller's open transaction; a record stored before is left as it was. */
export async function storeDeadLetters(client: pg.ClientBase, key: OffsetsKey, deadLetters: readonly DeadLetter[]): Promise<void> {
  if (deadLetters.length === 0) return;
  const column = <T>(pick: (d: DeadLetter) => T): T[] => deadLetters.map(pick);
  await client.query(insertDeadLettersSql(key.schema), [
    column(() => key.connector),
    column((d) => d.record.topic),
    column((d) => d.record.partition),
    column((d) => d.record.offset.toString()),
    column((d) => d.record.key),
    column((d) => d.record.value),
    column((d) => JSON.stringify([...d.record.headers].map(([name, value]) => [name, value.toString('base64')]))),
    column((d) => d.record.timestamp.toString()),
    column((d) => d.error.code),
    column((d) => d.error.message.slice(0, MAX_ERROR_MESSAGE_CHARS)),
    column((d) => (d.error.code === 'DATABASE_REJECTED' ? sqlState(d.error.cause) ?? null : null)),
  ]);
}

interface DeadLetterRow {
  partition: number;
  offset: string;
  record_key: Buffer | null;
  record_value: Buffer | null;
  record_headers: [string, string][];
  record_timestamp: string;
  error_code: string;
  error_message: string;
  sqlstate: string | null;
}

/** At most `limit` dead letters not yet seen published, in source offset order per partition. */
export async function pendingDeadLetters(client: pg.ClientBase, key: OffsetsKey, limit: number): Promise<StoredDeadLetter[]> {
  const { rows } = await client.query<DeadLetterRow>(pendingDeadLettersSql(key.schema), [key.connector, key.topic, limit]);
  return rows.map((row) => {
    const code = (SinkErrorCodes as readonly string[]).includes(row.error_code) ? row.error_code as SinkErrorCode : 'RECORD_INVALID_FIELD';
    return {
      record: {
        topic: key.topic, partition: row.partition, offset: BigInt(row.offset), timestamp: BigInt(row.record_timestamp),
        key: row.record_key, value: row.record_value,
        headers: new Map(row.record_headers.map(([name, value]) => [name, Buffer.from(value, 'base64')])),
      },
      error: new SinkError(code, row.error_message),
      sqlstate: row.sqlstate ?? undefined,
    };
  });
}

/** Records that these dead letters are in the DLQ topic (an optimisation of the pending query, not the proof). */
export async function markDeadLettersPublished(client: pg.ClientBase, key: OffsetsKey,
  published: readonly { partition: number; offset: bigint }[]): Promise<void> {
  if (published.length === 0) return;
  await client.query(markDeadLettersPublishedSql(key.schema), [key.connector, key.topic,
    published.map((p) => p.partition), published.map((p) => p.offset.toString())]);
}
