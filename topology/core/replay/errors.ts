// Errors of replay planning and application. Argument errors are the operator's to fix
// (the CLI prints one line and exits 2); the rest carry the Kafka error as `cause`.
import { KalibraError, type KalibraErrorOptions } from '../errors.ts';

export const ReplayErrorCodes = [
  'INVALID_TIME',      // a --from/--to value is not a time we can read
  'INVALID_RANGE',     // --from is not before --to, or --from is in the future
  'INVALID_ARGUMENT',  // any other bad argument
  'UNKNOWN_TOPIC',     // the source topic does not exist
  'UNKNOWN_GROUP',     // the consumer group has never committed offsets
  'STATE_CORRUPT',     // a replay-state record could not be decoded
  'KAFKA_FAILED',      // a Kafka call failed; see cause
] as const;

export type ReplayErrorCode = (typeof ReplayErrorCodes)[number];

export class ReplayError extends KalibraError<ReplayErrorCode> {
  constructor(code: ReplayErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ReplayError';
  }

  /** True when the operator's input is at fault (exit code 2, nothing changed). */
  get isUsageError(): boolean {
    return ['INVALID_TIME', 'INVALID_RANGE', 'INVALID_ARGUMENT', 'UNKNOWN_TOPIC', 'UNKNOWN_GROUP'].includes(this.code);
  }
}
