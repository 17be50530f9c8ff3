// Turns whatever a processor, serde or topic extractor threw into the KalibraError the
// dead-letter handler gets. A KalibraError passes through unchanged, so a processor's own
// code (e.g. INVALID_VALUE) reaches the DLQ headers; anything else gets `code` and is kept
// as `cause`. Must never throw.
import { CoreError, isKalibraError } from '../errors.ts';
import type { CoreErrorCode, KalibraError } from '../errors.ts';

export function asKalibraError(thrown: unknown, code: CoreErrorCode, where: string): KalibraError {
  if (isKalibraError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : safeString(thrown);
  return new CoreError(code, `${where}: ${message}`, { cause: thrown });
}

/** Same code and cause, with where it happened in front of the message. */
export function withContext(error: KalibraError, where: string): KalibraError {
  if (!(error instanceof CoreError)) return error;
  return new CoreError(error.code, `${where}: ${error.message}`, { cause: error, retryable: error.retryable });
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'a value that cannot be printed';
  }
}
