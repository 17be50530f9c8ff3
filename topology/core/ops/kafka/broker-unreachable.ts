// The one place that decides "the Kafka broker cannot be reached" and says so: which address
// was tried (KAFKA_BROKERS / --kafka-brokers, host:port only, never a credential) and that
// `bin/dev-stack up` starts the local one. Commands check the broker before their first
// request (checkBrokerReachable, within a few seconds, interruptible), and classify any later
// failure with isBrokerUnreachable. Long-running processes wait the broker out instead of
// exiting; commands exit with ExitCodes.brokerUnreachable (3).
import { OpsError } from '../errors.ts';
import { kafkaErrorReasons } from './error-reasons.ts';
import { ExitCodes } from '../shutdown/shutdown.ts';
import type { KafkaConnectionOptions } from './connection-options.ts';

/** Error codes of the client (and Node) that mean no broker answered, as opposed to a broker refusing. */
const NETWORK_CODES = new Set([
  'PLT_KFK_NETWORK', 'PLT_KFK_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT',
  'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
]);

const DEFAULT_TIMEOUT_MS = 5_000;

interface ErrorNode {
  code?: unknown;
  name?: unknown;
  apiId?: unknown;
  message?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** Every error in `error`'s tree (nested `errors` of an AggregateError, and `cause`), depth first. */
function* nodes(error: unknown, depth = 0): Generator<{ node: ErrorNode; depth: number }> {
  if (typeof error !== 'object' || error === null || depth > 8) return;
  const node = error as ErrorNode;
  yield { node, depth };
  if (Array.isArray(node.errors)) for (const inner of node.errors) yield* nodes(inner, depth + 1);
  if (node.cause !== undefined) yield* nodes(node.cause, depth + 1);
}

function isNetworkNode(node: ErrorNode): boolean {
  return (typeof node.code === 'string' && NETWORK_CODES.has(node.code)) || node.name === 'TimeoutError' || node.name === 'NetworkError';
}

/**
 * True when `error` says no broker answered (connection refused, reset, timed out, host not
 * found), and no broker answered with an error of its own (an error id means it was reached).
 */
export function isBrokerUnreachable(error: unknown): boolean {
  if (error instanceof OpsError && error.code === 'BROKER_UNREACHABLE') return true;
  let network = false;
  for (const { node } of nodes(error)) {
    if (typeof node.apiId === 'string') return false;
    if (isNetworkNode(node)) network = true;
  }
  return network;
}

/** The innermost network error's message, e.g. `connect ECONNREFUSED 127.0.0.1:1`. */
function networkReason(error: unknown): string | undefined {
  let deepest: { message: string; depth: number } | undefined;
  for (const { node, depth } of nodes(error)) {
    if (isNetworkNode(node) && typeof node.message === 'string' && (deepest === undefined || depth > deepest.depth)) {
      deepest = { message: node.message, depth };
    }
  }
  return deepest?.message;
}

/** One line for people: the address tried, why (when known), and how to start the local broker. */
export function brokerUnreachableMessage(brokers: readonly unknown[], error?: unknown): string {
  const reason = error === undefined ? undefined : networkReason(error) ?? (error instanceof Error ? error.message : undefined);
  // A connection closed right after it opened is what a broker that wants TLS does to plain text.
  const hint = reason !== undefined && /closed/i.test(reason) ? ' (a broker that requires TLS or SASL closes plain connections: check KAFKA_TLS and KAFKA_SASL_*)' : '';
  return `cannot reach a Kafka broker at ${brokers.map(String).join(',')} (KAFKA_BROKERS / --kafka-brokers)`
    + `${reason === undefined ? '' : `: ${reason}`}${hint}; bin/dev-stack up starts the local one`;
}

export interface CheckBrokerOptions {
  /** Stops waiting at once (Ctrl-C); the promise then rejects with OpsError SHUTTING_DOWN. */
  signal?: AbortSignal;
  /** How long to wait for an answer; default 5 s. */
  timeoutMs?: number;
}

/**
 * Asks the brokers for cluster metadata. Resolves when one answers; rejects with OpsError
 * BROKER_UNREACHABLE (the message from brokerUnreachableMessage) when none does within
 * `timeoutMs`; other failures (e.g. authentication) are rethrown as they are.
 */
export async function checkBrokerReachable(connection: KafkaConnectionOptions, options: CheckBrokerOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const brokers = connection.bootstrapBrokers;
  // Loaded here, not at the top: kalibra/ops must not load the Kafka client for a command's --help.
  const { Admin } = await import('@platformatic/kafka');
  const admin = new Admin({ ...connection, clientId: `${connection.clientId}-probe`, retries: 2, retryDelay: 250 });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new OpsError('BROKER_UNREACHABLE', brokerUnreachableMessage(brokers, { code: 'ETIMEDOUT', message: `no answer within ${timeoutMs} ms` })));
    }, timeoutMs);
    onAbort = () => { reject(new OpsError('SHUTTING_DOWN', 'interrupted while waiting for the Kafka broker')); };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([admin.metadata({ topics: [] }), stopped]);
  } catch (error) {
    if (error instanceof OpsError) throw error;
    if (isBrokerUnreachable(error)) throw new OpsError('BROKER_UNREACHABLE', brokerUnreachableMessage(brokers, error), { cause: error, retryable: true });
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
    // Not awaited: closing a client whose connection attempt hangs must not hold the caller.
    admin.close().catch(() => undefined);
  }
}

export interface RequireBrokerOptions extends CheckBrokerOptions {
  /** Where the one line goes; default process.stderr. */
  err?: { write(text: string): unknown };
  /** Default process.exit. */
  exit?: (code: number) => never;
}

/**
 * For commands: returns once a broker answers; otherwise prints `<command>: <why>` and ends the
 * process, with ExitCodes.brokerUnreachable (3), ExitCodes.interrupted (130) when interrupted,
 * or 1 when a broker answered but refused the client (authentication, TLS, authorization).
 */
export async function requireBrokerOrExit(command: string, connection: KafkaConnectionOptions, options: RequireBrokerOptions = {}): Promise<void> {
  const err = options.err ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  try {
    await checkBrokerReachable(connection, options);
  } catch (error) {
    if (!(error instanceof OpsError)) {
      // A broker answered but refused us (a wrong password, no TLS, an ACL): one line that names
      // what it said, e.g. SASL_AUTHENTICATION_FAILED, and exit 1: a restart would not help.
      err.write(`${command}: ${error instanceof Error ? error.message : String(error)}${kafkaErrorReasons(error)}\n`);
      exit(1);
      return;
    }
    err.write(`${command}: ${error.message}\n`);
    exit(error.code === 'BROKER_UNREACHABLE' ? ExitCodes.brokerUnreachable : ExitCodes.interrupted);
  }
}
