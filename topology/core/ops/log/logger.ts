// A JSON-lines logger: one object per line {level, time, msg, ...fields} on stderr (or an
// injected stream), with every field redacted (see redact.ts). No dependency: what we need
// is ~100 lines, and pino's redaction is by path only, not by secret value. Logging never
// throws and never blocks on a slow reader beyond what the stream itself does.
import type { Writable } from 'node:stream';
import { levelEnabled } from './log-level.ts';
import type { LineLevel, LogLevel } from './log-level.ts';
import { Redactor } from './redact.ts';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  isLevelEnabled(level: LineLevel): boolean;
  /** A logger that adds `fields` to every line (e.g. {component: 'sink'}); shares stream and secrets. */
  child(fields: LogFields): Logger;
  /** Secret values to redact from now on (e.g. a password fetched at run time). */
  addSecrets(secrets: Iterable<string>): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default process.stderr. Anything with write(string). */
  stream?: Pick<Writable, 'write'>;
  /** Secret values to cut out of every line (ParsedConfig.secrets). */
  secrets?: Iterable<string>;
  /** Fields on every line, e.g. {instance: 'calibrator-0'}. */
  base?: LogFields;
  /** Clock for `time`; tests pin it. */
  now?: () => Date;
}

const RESERVED = new Set(['level', 'time', 'msg']);

export function createLogger(options: LoggerOptions = {}): Logger {
  const shared: Shared = {
    level: options.level ?? 'info',
    stream: options.stream ?? process.stderr,
    redactor: new Redactor(options.secrets),
    now: options.now ?? (() => new Date()),
    broken: false,
  };
  // A closed stderr (e.g. `| head`) reports EPIPE as an 'error' event, not a throw. Unheard,
  // it would be an uncaught exception whose own log line fails again, forever: stop writing.
  const emitter = shared.stream as Partial<Pick<Writable, 'on'>>;
  if (typeof emitter.on === 'function') emitter.on.call(shared.stream, 'error', () => { shared.broken = true; });
  return new JsonLogger(shared, options.base ?? {});
}

interface Shared {
  level: LogLevel;
  stream: Pick<Writable, 'write'>;
  redactor: Redactor;
  now: () => Date;
  /** Set once the stream has failed; later lines are dropped. */
  broken: boolean;
}

class JsonLogger implements Logger {
  readonly #shared: Shared;
  readonly #base: LogFields;

  constructor(shared: Shared, base: LogFields) {
    this.#shared = shared;
    this.#base = base;
  }

  get level(): LogLevel {
    return this.#shared.level;
  }

  debug(msg: string, fields?: LogFields): void { this.#write('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { this.#write('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { this.#write('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.#write('error', msg, fields); }

  isLevelEnabled(level: LineLevel): boolean {
    return levelEnabled(this.#shared.level, level);
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.#shared, { ...this.#base, ...fields });
  }

  addSecrets(secrets: Iterable<string>): void {
    this.#shared.redactor.addSecrets(secrets);
  }

  #write(level: LineLevel, msg: string, fields: LogFields | undefined): void {
    if (this.#shared.broken || !this.isLevelEnabled(level)) return;
    try {
      const { redactor } = this.#shared;
      const line: Record<string, unknown> = { level, time: this.#shared.now().toISOString(), msg: redactor.redactString(msg) };
      const extra = redactor.redact({ ...this.#base, ...fields }) as Record<string, unknown>;
      // A field may not overwrite level/time/msg: it is kept under a prefixed name instead.
      for (const [key, value] of Object.entries(extra)) line[RESERVED.has(key) ? `field.${key}` : key] = value;
      this.#shared.stream.write(`${JSON.stringify(line)}\n`);
    } catch {
      // Logging must never take the process down (e.g. stderr closed); the line is lost.
    }
  }
}
