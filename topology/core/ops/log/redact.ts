// Makes a log line's fields safe to write: values under secret-sounding keys, Secret objects,
// known secret values wherever they appear inside strings, and passwords in URLs are replaced
// by "[redacted]". Errors become plain objects (message, code, stack, cause). Pure; never throws.
import { isSecret, REDACTED } from '../config/secret.ts';

/** Keys whose values are never logged, whatever they contain. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|credential|api[-_]?key|authori[sz]ation|cookie|private[-_]?key|^sasl$/i;
/** user:password@ in a URL (postgres://kalibra:hunter2@db/…). */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi;
const MAX_DEPTH = 8;

export class Redactor {
  readonly #secrets: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.addSecrets(secrets);
  }

  /** Secret values to cut out of every string logged from now on (longest first, so overlaps redact fully). */
  addSecrets(secrets: Iterable<string>): void {
    for (const secret of secrets) {
      if (secret.length > 0 && !this.#secrets.includes(secret)) this.#secrets.push(secret);
    }
    this.#secrets.sort((a, b) => b.length - a.length);
  }

  redactString(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.replaceAll(secret, REDACTED);
    return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
  }

  /** A JSON-safe copy of `value` with every secret replaced. */
  redact(value: unknown, key = '', depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
    if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
    if (isSecret(value)) return REDACTED;
    if (typeof value === 'string') return this.redactString(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(value);
    try {
      if (value instanceof Error) return this.redact(errorFields(value), '', depth + 1, seen);
      if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (value instanceof Map) return this.redact(Object.fromEntries(value), '', depth + 1, seen);
      if (value instanceof Set || Array.isArray(value)) return [...value].map((item) => this.redact(item, '', depth + 1, seen));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const redacted = this.redact(v, k, depth + 1, seen);
        if (redacted !== undefined) out[k] = redacted;
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  // apiId: the broker's error id on @platformatic/kafka errors (e.g. TOPIC_AUTHORIZATION_FAILED), the part a user can act on.
  for (const key of ['code', 'apiId', 'retryable', 'issues'] as const) {
    if (key in error) fields[key] = (error as unknown as Record<string, unknown>)[key];
  }
  if (error.stack !== undefined) fields.stack = error.stack;
  if (error.cause !== undefined) fields.cause = error.cause;
  if (error instanceof AggregateError) fields.errors = error.errors;
  return fields;
}
