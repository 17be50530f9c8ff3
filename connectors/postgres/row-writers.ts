// The ways to write a batch of rows inside an open transaction, measured against each other
// in bench/sink.bench.ts: COPY into a session-local stage table then one
// INSERT … SELECT … ON CONFLICT, or one INSERT … SELECT FROM unnest(arrays) ON CONFLICT; and
// for rows whose keys are all new, a plain COPY into the table (insertByCopy). All expect rows
// already deduplicated by (sensor_id, ts). None commits, and all must run inside an open
// transaction: the COPY stage is ON COMMIT DELETE ROWS, so in autocommit its rows would vanish
// between the COPY and the upsert.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Mapping, Row } from './mappings/mapping.ts';
import {
  copyIntoStageSql, copyIntoTableSql, copyTextLine, createStageSql, deleteKeysSql, unnestUpsertSql, upsertFromStageSql,
} from './sql.ts';

import type { WriteMethod } from './sink-names.ts';
export { DEFAULT_WRITE_METHOD, WriteMethods } from './sink-names.ts';
export type { WriteMethod } from './sink-names.ts';

/** The rows in COPY text format. */
export function copyText(rows: readonly Row[]): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(copyTextLine(row));
  return lines.join('');
}

/** Runs `sql` (a COPY … FROM STDIN) with `text` as its data, in one write. */
async function copyIn(client: pg.ClientBase, sql: string, text: string): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(text);
  });
}

/** Upserts the rows whose COPY text is `text` (nothing when it is empty) through the stage table. */
export async function upsertByCopy(client: pg.ClientBase, schema: string, mapping: Mapping, text: string): Promise<void> {
  if (text === '') return;
  await client.query(createStageSql(schema, mapping));
  await copyIn(client, copyIntoStageSql(schema, mapping), text);
  await client.query(upsertFromStageSql(schema, mapping));
}

async function upsertByUnnest(client: pg.ClientBase, schema: string, mapping: Mapping, rows: readonly Row[]): Promise<void> {
  const arrays = mapping.columns.map((_, column) => rows.map((row) => row[column] ?? null));
  await client.query(unnestUpsertSql(schema, mapping), arrays);
}

/** Upserts `rows`; `text` is their COPY text when the caller already has it (the sink encodes while the previous batch is written). */
export async function upsertRows(client: pg.ClientBase, method: WriteMethod, schema: string, mapping: Mapping,
  rows: readonly Row[], text?: string): Promise<void> {
  if (rows.length === 0) return;
  if (method === 'copy') await upsertByCopy(client, schema, mapping, text ?? copyText(rows));
  else await upsertByUnnest(client, schema, mapping, rows);
}

/**
 * Inserts rows by a plain COPY into the table: no stage, no ON CONFLICT. Fails with
 * unique_violation (23505) if any key exists, and then leaves the transaction aborted: run it
 * in a savepoint.
 */
export async function insertByCopy(client: pg.ClientBase, schema: string, mapping: Mapping, text: string): Promise<void> {
  if (text === '') return;
  await copyIn(client, copyIntoTableSql(schema, mapping), text);
}

export async function deleteKeys(client: pg.ClientBase, schema: string, mapping: Mapping,
  keys: readonly { sensorId: string; ts: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await client.query(deleteKeysSql(schema, mapping), [keys.map((k) => k.sensorId), keys.map((k) => k.ts)]);
}
