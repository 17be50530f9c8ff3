// Reads @platformatic/kafka errors (nested ResponseError/MultipleErrors carrying the broker's
// error id) and sorts them into what the runtime does next. Kafka's own error stays the `cause`.
import { CoreError } from '../errors.ts';

interface FindableError {
  findBy(property: string, value: unknown): unknown;
}

function findable(error: unknown): error is FindableError {
  return typeof error === 'object' && error !== null && typeof (error as Partial<FindableError>).findBy === 'function';
}

/** True when `error` (or any error nested in it) is the broker error `apiId`, e.g. 'PRODUCER_FENCED'. */
export function isKafkaError(error: unknown, apiId: string): boolean {
  return findable(error) && Boolean(error.findBy('apiId', apiId));
}

const GENERATION_STALE = ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID'];
const PRODUCER_FENCED = ['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'];
/** The broker refused the records themselves: retrying the same records cannot help. */
const RECORDS_REFUSED = ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP', 'TOPIC_AUTHORIZATION_FAILED', 'UNKNOWN_TOPIC_OR_PARTITION', 'INVALID_REQUIRED_ACKS'];

/** What a failed transaction means for the runtime. */
export type FailureKind = 'generation-stale' | 'producer-fenced' | 'records-refused' | 'transient';

export function classifyFailure(error: unknown): FailureKind {
  if (GENERATION_STALE.some((id) => isKafkaError(error, id))) return 'generation-stale';
  if (PRODUCER_FENCED.some((id) => isKafkaError(error, id))) return 'producer-fenced';
  if (RECORDS_REFUSED.some((id) => isKafkaError(error, id))) return 'records-refused';
  return 'transient';
}

export function transactionError(kind: FailureKind, error: unknown): CoreError {
  switch (kind) {
    case 'records-refused':
      return new CoreError('PRODUCTION_FAILED', `the broker refused an output record: ${describe(error)}`, { cause: error });
    case 'producer-fenced':
    case 'generation-stale':
      return new CoreError('FENCED', `the transaction was fenced (${kind}): ${describe(error)}`, { cause: error, retryable: true });
    default:
      return new CoreError('TRANSACTION_FAILED', `the transaction failed and was aborted: ${describe(error)}`, { cause: error, retryable: true });
  }
}

/** The innermost broker error id and message, for logs and error messages. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = (error as Error & { errors?: unknown[] }).errors;
  const inner = Array.isArray(nested) ? nested.find((e): e is Error => e instanceof Error) : undefined;
  const apiId = inner === undefined ? undefined : (inner as Error & { apiId?: string }).apiId;
  return inner === undefined ? error.message : `${error.message} → ${apiId ?? ''} ${inner.message}`.trim();
}

interface Closable {
  close(force: boolean, callback: (error?: Error | null) => void): void;
}

/** Closes a @platformatic/kafka client and never rejects (its overloads make `.close(force)` untyped as a promise). */
export function closeClient(client: Closable | undefined, force: boolean): Promise<void> {
  if (client === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    try {
      client.close(force, (error) => {
        if (error && !force) {
          client.close(true, () => resolve());
          return;
        }
        resolve();
      });
    } catch {
      resolve();
    }
  });
}
