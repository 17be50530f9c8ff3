// Every error topology/core throws or reports: one base class, a closed list of codes,
// the cause kept, and whether retrying can help. Kafka and Postgres errors are kept as
// `cause`, unchanged, so their own codes stay visible.

export const CoreErrorCodes = [
  'CONFIG_INVALID',          // an option is missing or wrong; the message names it
  'DESERIALIZATION_FAILED',  // a record's key or value could not be decoded
  'VALIDATION_FAILED',       // decoded, but rejected by a schema
  'SERIALIZATION_FAILED',    // an output key or value could not be encoded
  'PROCESSING_FAILED',       // a processor threw
  'PRODUCTION_FAILED',       // the broker refused an output record (e.g. too large)
  'TRANSACTION_FAILED',      // begin/send/commit failed; the transaction was aborted
  'FENCED',                  // another instance took over this producer or group generation
  'TOPOLOGY_INVALID',        // the topology description is inconsistent
  'SHUTDOWN_TIMEOUT',        // a clean shutdown did not finish in time
  'STATE_INVALID',           // an operation was called in a state that does not allow it
] as const;

export type CoreErrorCode = (typeof CoreErrorCodes)[number];

export interface KalibraErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

/** Base class of every Kalibra error. `code` is stable and machine-readable. */
export class KalibraError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly retryable: boolean;

  constructor(code: Code, message: string, options: KalibraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KalibraError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Errors of topology/core itself. */
export class CoreError extends KalibraError<CoreErrorCode> {
  constructor(code: CoreErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CoreError';
  }
}

export function isKalibraError(error: unknown): error is KalibraError {
  return error instanceof KalibraError;
}
