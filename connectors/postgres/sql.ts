// The SQL text the sink sends, built from a schema and a mapping. Pure: values in, strings
// out, so every statement is visible in one place and tested without a database. Only
// identifiers that passed checkIdentifier (or come from a mapping's fixed column list)
// are spliced in; every value is a bind parameter or COPY data.
import { createHash } from 'node:crypto';
import { qualified } from './identifiers.ts';
import { keyIndexes } from './mappings/mapping.ts';
import type { Mapping, Row } from './mappings/mapping.ts';

/** The channel the sink NOTIFYs after each commit and the gate LISTENs on. */
export const OFFSETS_CHANNEL = 'kalibra_sink_offsets';

const columnList = (mapping: Mapping): string => mapping.columns.map((column) => `"${column.name}"`).join(', ');

function onConflictUpdate(mapping: Mapping): string {
  const key = new Set<string>(mapping.keyColumns);
  const updates = mapping.columns.filter((column) => !key.has(column.name)).map((column) => `"${column.name}" = EXCLUDED."${column.name}"`);
  return `ON CONFLICT (${mapping.keyColumns.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

/** INSERT … SELECT FROM unnest($1::type[], …) ON CONFLICT DO UPDATE: one parameter per column. */
export function unnestUpsertSql(schema: string, mapping: Mapping): string {
  const arrays = mapping.columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  return `INSERT INTO ${qualified(schema, mapping.table)} (${columnList(mapping)}) `
    + `SELECT * FROM unnest(${arrays}) ${onConflictUpdate(mapping)}`;
}

/** Session-local staging table for COPY; its name is derived from the target so schemas never share one. */
export function stageTableName(schema: string, mapping: Mapping): string {
  return `kalibra_stage_${createHash('sha1').update(`${schema}.${mapping.table}`).digest('hex').slice(0, 16)}`;
}

export function createStageSql(schema: string, mapping: Mapping): string {
  // ON COMMIT DELETE ROWS: the stage is empty at the start of every transaction, and a
  // rolled-back batch leaves nothing behind either.
  return `CREATE TEMP TABLE IF NOT EXISTS "${stageTableName(schema, mapping)}" `
    + `(LIKE ${qualified(schema, mapping.table)} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`;
}

export function copyIntoStageSql(schema: string, mapping: Mapping): string {
  return `COPY "${stageTableName(schema, mapping)}" (${columnList(mapping)}) FROM STDIN`;
}

/** COPY straight into the table: the insert fast path for batches whose keys are all new. */
export function copyIntoTableSql(schema: string, mapping: Mapping): string {
  return `COPY ${qualified(schema, mapping.table)} (${columnList(mapping)}) FROM STDIN`;
}

export function upsertFromStageSql(schema: string, mapping: Mapping): string {
  return `INSERT INTO ${qualified(schema, mapping.table)} (${columnList(mapping)}) `
    + `SELECT ${columnList(mapping)} FROM "${stageTableName(schema, mapping)}" ${onConflictUpdate(mapping)}`;
}

/** Deletes by the key columns: $1 the sensor ids, $2 the timestamps. */
export function deleteKeysSql(schema: string, mapping: Mapping): string {
  const [sensorIdAt, tsAt] = keyIndexes(mapping);
  const [sensorId, ts] = mapping.keyColumns;
  const types = `$1::${mapping.columns[sensorIdAt]?.type}[], $2::${mapping.columns[tsAt]?.type}[]`;
  return `DELETE FROM ${qualified(schema, mapping.table)} t `
    + `USING unnest(${types}) AS d(${sensorId}, ${ts}) `
    + `WHERE t.${sensorId} = d.${sensorId} AND t.${ts} = d.${ts}`;
}

const escapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const needsEscape = /[\\\n\r\t]/;
const toEscape = /[\\\n\r\t]/g;
const escape = (c: string): string => escapes[c] ?? c;

/** Reused by copyTextLine: one array for every line, never one per row. */
const cells: string[] = [];

/**
 * One line of COPY's text format: tab-separated, `\N` for NULL, backslash escapes. On the sink's
 * hot path: a string is only rewritten when it holds a character to escape (a test that
 * allocates nothing), and the line is made by one join, so it is a flat string rather than a
 * chain of concatenations that would live, node by node, until the batch is written.
 */
export function copyTextLine(row: Row): string {
  const n = row.length;
  cells.length = n;
  for (let i = 0; i < n; i++) {
    const cell = row[i];
    if (cell === null || cell === undefined) cells[i] = '\\N';
    else if (typeof cell === 'number') cells[i] = String(cell);
    else cells[i] = needsEscape.test(cell) ? cell.replace(toEscape, escape) : cell;
  }
  cells[n - 1] += '\n';
  return cells.join('\t');
}

export function readOffsetsSql(schema: string): string {
  return `SELECT partition, next_offset FROM ${qualified(schema, 'kalibra_sink_offsets')} `
    + 'WHERE connector = $1 AND topic = $2';
}

/** The compare-and-set: moves next_offset only if it still is what this sink last saw. */
export function advanceOffsetSql(schema: string): string {
  return `UPDATE ${qualified(schema, 'kalibra_sink_offsets')} SET next_offset = $4, updated_at = now() `
    + 'WHERE connector = $1 AND topic = $2 AND partition = $3 AND next_offset = $5';
}

/** The compare-and-set for a partition nobody has written yet: the row must not exist. */
export function insertOffsetSql(schema: string): string {
  return `INSERT INTO ${qualified(schema, 'kalibra_sink_offsets')} (connector, topic, partition, next_offset) `
    + 'VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';
}

/** One NOTIFY per payload, in one round trip; delivered to listeners only when the transaction commits. */
export function notifySql(): string {
  return 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload';
}

export interface OffsetNotification {
  schema: string;
  connector: string;
  topic: string;
  partition: number;
  next_offset: string;
}

/** Stores dead letters ($1 … $11 are parallel arrays); one already stored (same source record) is kept as it is. */
export function insertDeadLettersSql(schema: string): string {
  return `INSERT INTO ${qualified(schema, 'kalibra_dead_letters')} (connector, topic, partition, "offset", record_key, `
    + 'record_value, record_headers, record_timestamp, error_code, error_message, sqlstate) '
    + 'SELECT * FROM unnest($1::text[], $2::text[], $3::int4[], $4::int8[], $5::bytea[], $6::bytea[], $7::jsonb[], '
    + '$8::int8[], $9::text[], $10::text[], $11::text[]) ON CONFLICT DO NOTHING';
}

/** The oldest dead letters not yet seen published, in source offset order per partition: $1 connector, $2 topic, $3 limit. */
export function pendingDeadLettersSql(schema: string): string {
  return 'SELECT partition, "offset", record_key, record_value, record_headers, record_timestamp, error_code, '
    + `error_message, sqlstate FROM ${qualified(schema, 'kalibra_dead_letters')} `
    + 'WHERE connector = $1 AND topic = $2 AND published_at IS NULL ORDER BY partition, "offset" LIMIT $3';
}

/** Marks dead letters as seen published: $1 connector, $2 topic, $3 partitions, $4 offsets (parallel). */
export function markDeadLettersPublishedSql(schema: string): string {
  return `UPDATE ${qualified(schema, 'kalibra_dead_letters')} d SET published_at = now() `
    + 'FROM unnest($3::int4[], $4::int8[]) AS p(partition, "offset") '
    + 'WHERE d.connector = $1 AND d.topic = $2 AND d.partition = p.partition AND d."offset" = p."offset" '
    + 'AND d.published_at IS NULL';
}
