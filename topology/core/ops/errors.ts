// Every error the operational plumbing (config, Kafka connection options, ops HTTP server,
// shutdown) throws: one class, a closed list of codes. Messages name the option and the bad
// value, but never a secret's value: a message may end up in a log or on a terminal.
import { KalibraError } from '../errors.ts';
import type { KalibraErrorOptions } from '../errors.ts';

export const OpsErrorCodes = [
  'CONFIG_INVALID',        // an option is missing, malformed or contradicts another; the message names it
  'CONFIG_SECRET_AS_FLAG', // a secret was given on the command line, where `ps` and shell history would see it
  'CONFIG_UNKNOWN_FLAG',   // a flag no declaration knows
  'CONFIG_FILE_UNREADABLE',// a *_FILE or TLS file could not be read; the message names the option and path
  'BROKER_UNREACHABLE',    // no Kafka broker answered at the configured address (KAFKA_BROKERS); the message names it
  'HTTP_LISTEN_FAILED',    // the ops HTTP server could not bind its port
  'METRIC_CONFLICT',       // a metric name is already registered as another kind (a programming error)
  'SHUTTING_DOWN',         // the reason of Shutdown.signal: work stopped because the process is stopping
  'SHUTDOWN_TIMEOUT',      // close hooks did not finish before the shutdown deadline
  'SHUTDOWN_HOOK_FAILED',  // a close hook threw or rejected
] as const;

export type OpsErrorCode = (typeof OpsErrorCodes)[number];

/** One problem with one option, for reporting several at once. */
export interface ConfigIssue {
  code: OpsErrorCode;
  /**
   * Where the problem came from: the flag as typed when the value came from the command line,
   * the environment variable (or its `*_FILE`) when from the environment; for a missing value,
   * the environment variable (or flag, for flag-only options).
   */
  option: string;
  message: string;
}

export class OpsError extends KalibraError<OpsErrorCode> {
  constructor(code: OpsErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'OpsError';
  }
}

/**
 * Raised by config parsing; `issues` lists every problem found, the message joins them on one
 * line (a command prints it as its one line on stderr). The code is the first issue's.
 */
export class ConfigError extends OpsError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly [ConfigIssue, ...ConfigIssue[]], options: KalibraErrorOptions = {}) {
    super(issues[0].code, issues.map((issue) => `${issue.option}: ${issue.message}`).join('; '), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
