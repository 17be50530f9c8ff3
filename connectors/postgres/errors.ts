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
  'DEAD_LETTER_FAILED',    // the DLQ topic refused a record; the batch is retried
  'RECORD_NOT_JSON',       // the value is not a JSON object
  'RECORD_TOO_LARGE',      // the value is over the size limit
  'RECORD_INVALID_FIELD',  // a field is missing or has the wrong type; the message names it
  'RECORD_INVALID_KEY',    // a tombstone whose key is not `<sensor_id>|<epoch ms>`
  'SHUTDOWN_TIMEOUT',      // a clean shutdown did not finish in time
] as const;

export type SinkErrorCode = (typeof SinkErrorCodes)[number];

export class SinkError extends KalibraError<SinkErrorCode> {
  constructor(code: SinkErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SinkError';
  }
}

/** SQLSTATE classes after which the same transaction may succeed when tried again. */
const retryableSqlStates = ['08', '40', '53', '57P01', '57P02', '57P03'];

/** True when `error` is a connection loss or a transient Postgres condition (deadlock, shutdown). */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string') {
    if (retryableSqlStates.some((state) => code.startsWith(state))) return true;
    // Node's socket errors (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT ...)
    if (code.startsWith('E')) return true;
  }
  return /Connection terminated|connection (?:error|closed)|Client has encountered a connection error|not queryable/i
    .test(error.message);
}
