// What happens to a record that could not be processed: the one option the runtime and the
// TopologyTestDriver both honour when a task calls `io.deadLetter(source, error)`. It only
// decides; it must never send, retry or swallow anything itself.
import { CoreError } from './errors.ts';
import type { KalibraError } from './errors.ts';
import type { SourceRecord } from './task.ts';

/**
 * `dead-letter`: the original bytes go to the DLQ topic (see dead-letter.ts) in the same
 * transaction, and processing goes on with the next record.
 * `fail`: nothing is written for this record; the runtime aborts the open transaction and
 * stops with `error` (the TopologyTestDriver throws it), so the record is read again after
 * a restart.
 */
export const ErrorDecisions = ['dead-letter', 'fail'] as const;
export type ErrorDecision = (typeof ErrorDecisions)[number];

/**
 * Chooses per record, with the arguments of `TaskIO.deadLetter(source, error)`. `error.code`
 * says what went wrong (DESERIALIZATION_FAILED, VALIDATION_FAILED, SERIALIZATION_FAILED,
 * PROCESSING_FAILED, or the code of a KalibraError thrown by a processor). Must be
 * synchronous and cheap; it runs inside the transaction.
 */
export type ErrorHandler = (source: SourceRecord, error: KalibraError) => ErrorDecision;

/** The default: bad input never stops the topology. */
export const deadLetterOnError: ErrorHandler = () => 'dead-letter';

/** Stop at the first bad record: for topologies where a gap is worse than a halt. */
export const failOnError: ErrorHandler = () => 'fail';

/**
 * Asks `handler` and returns its decision. A handler that throws or answers something
 * else means `fail`: when the handler itself is broken, stopping is safer than guessing.
 */
export function decideOnError(handler: ErrorHandler, source: SourceRecord, error: KalibraError): ErrorDecision {
  try {
    const decision: unknown = handler(source, error);
    return decision === 'dead-letter' ? 'dead-letter' : 'fail';
  } catch {
    return 'fail';
  }
}

/** Validates an `onError` option once, at construction; `option` names it in the error. */
export function errorHandlerOption(value: unknown, option: string): ErrorHandler {
  if (value === undefined) return deadLetterOnError;
  if (typeof value !== 'function') {
    throw new CoreError('CONFIG_INVALID', `${option} must be a function (source, error) => 'dead-letter' | 'fail'`);
  }
  return value as ErrorHandler;
}
