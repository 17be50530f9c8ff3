// Every error the Postgres sink throws or dead-letters: one class, a closed list of codes,
// the cause kept (Postgres SQLSTATE and Kafka errors pass through unchanged as `cause`),
// and whether retrying can help. Record-level codes end up in the DLQ's kalibra.error.code.
import { KalibraError } from '../../topology/index.ts';
import type { KalibraErrorOptions } from '../../topology/index.ts';

export const SinkErrorCodes = [
  'CONFIG_INVALID',        // an option is missing or wrong; the message names it
  'MIGRATION_FAILED',      // a migration file could not be applied
  'MIGRATION_CHANGED',     // an applied migration's file was edited afterwards
  'DATABASE_UNAVAILABLE',  // Postgres refused or dropped the connection; retried
  'OFFSET_CONFLICT',       // the compare-and-set on kalibra_sink_offsets lost: someone else advanced it
  'DEAD_LETTER_FAILED',    // publishing stored dead letters to the DLQ topic failed; retried
  'DATABASE_REJECTED',     // Postgres refused one record's row as data (SQLSTATE class 22, 23, 54000); dead-lettered
  'RECORD_NOT_JSON',       // the value is not a JSON object
  'RECORD_TOO_LARGE',      // the value is over the size limit
  'RECORD_INVALID_FIELD',  // a field is missing or has the wrong type; the message names it
  'RECORD_INVALID_KEY',    // a tombstone whose key is not `<sensor_id>|<epoch ms>`
  'RECORD_UNSTORABLE',     // text Postgres cannot store: U+0000 in text or jsonb, a lone surrogate in jsonb
  'SHUTDOWN_TIMEOUT',      // a clean shutdown did not finish in time
  'FENCED',                // another process joined the group with this sink's instance id; this one stops
] as const;

export type SinkErrorCode = (typeof SinkErrorCodes)[number];

export class SinkError extends KalibraError<SinkErrorCode> {
  constructor(code: SinkErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SinkError';
  }
}

/**
 * What a Postgres error means for the sink:
 * - `transient`: the connection or the server's state; the same work may succeed when tried again
 *   (class 08 connection, 40 rollback/deadlock, 53 resources, 57 operator intervention/cancel,
 *   58 system error, 55P03 lock not available, and Node's socket errors);
 * - `data`: the rows themselves (class 22 data exception, 23 integrity constraint violation,
 *   54000 program limit exceeded, e.g. an index row too large): the batch is split to find the row,
 *   which is dead-lettered;
 * - `fatal`: anything else, above all class 42 (our SQL or the schema is wrong): no row is to
 *   blame and no retry will help until an operator acts; retried with backoff like an outage, so
 *   nothing is lost, and logged as an error.
 */
export type DatabaseErrorKind = 'transient' | 'data' | 'fatal';

const transientSqlStates = ['08', '40', '53', '57', '58', '55P03'];
const dataSqlStates = ['22', '23', '54000'];

/** The SQLSTATE of a Postgres error, or undefined for anything else (a socket error, a bug). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  // No SQLSTATE class starts with E; Node's socket errors (EPIPE ...) all do.
  return typeof code === 'string' && /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code) ? code : undefined;
}

export function classifyDatabaseError(error: unknown): DatabaseErrorKind {
  if (!(error instanceof Error)) return 'fatal';
  const state = sqlState(error);
  if (state !== undefined) {
    if (dataSqlStates.some((prefix) => state.startsWith(prefix))) return 'data';
    if (transientSqlStates.some((prefix) => state.startsWith(prefix))) return 'transient';
    return 'fatal';
  }
  const code = (error as Error & { code?: unknown }).code;
  // Node's socket errors (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT ...)
  if (typeof code === 'string' && code.startsWith('E')) return 'transient';
  if (/Connection terminated|connection (?:error|closed)|Client has encountered a connection error|not queryable|timeout/i
    .test(error.message)) return 'transient';
  return 'fatal';
}
