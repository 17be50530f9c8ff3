// The two ways to upsert a batch of rows inside an open transaction, measured against each
// other in bench/sink.bench.ts: COPY into a session-local stage table then one
// INSERT … SELECT … ON CONFLICT, or one INSERT … SELECT FROM unnest(arrays) ON CONFLICT.
// Both expect rows already deduplicated by (sensor_id, ts). Neither commits, and both must run
// inside an open transaction: the COPY stage is ON COMMIT DELETE ROWS, so in autocommit its rows
// would vanish between the COPY and the upsert.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Mapping, Row } from './mappings/mapping.ts';
import { copyIntoStageSql, copyTextLine, createStageSql, deleteKeysSql, unnestUpsertSql, upsertFromStageSql } from './sql.ts';

import type { WriteMethod } from './sink-names.ts';
export { DEFAULT_WRITE_METHOD, WriteMethods } from './sink-names.ts';
export type { WriteMethod } from './sink-names.ts';

const COPY_CHUNK_ROWS = 500;

async function upsertByCopy(client: pg.ClientBase, schema: string, mapping: Mapping, rows: readonly Row[]): Promise<void> {
  await client.query(createStageSql(schema, mapping));
  const copy = client.query(copyFrom(copyIntoStageSql(schema, mapping)));
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS) {
      yield rows.slice(i, i + COPY_CHUNK_ROWS).map(copyTextLine).join('');
    }
  }
  await pipeline(Readable.from(chunks()), copy);
  await client.query(upsertFromStageSql(schema, mapping));
}

async function upsertByUnnest(client: pg.ClientBase, schema: string, mapping: Mapping, rows: readonly Row[]): Promise<void> {
  const arrays = mapping.columns.map((_, column) => rows.map((row) => row[column] ?? null));
  await client.query(unnestUpsertSql(schema, mapping), arrays);
}

export async function upsertRows(client: pg.ClientBase, method: WriteMethod, schema: string, mapping: Mapping,
  rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  if (method === 'copy') await upsertByCopy(client, schema, mapping, rows);
  else await upsertByUnnest(client, schema, mapping, rows);
}

export async function deleteKeys(client: pg.ClientBase, schema: string, mapping: Mapping,
  keys: readonly { sensorId: string; ts: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await client.query(deleteKeysSql(schema, mapping), [keys.map((k) => k.sensorId), keys.map((k) => k.ts)]);
}
