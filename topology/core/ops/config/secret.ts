// A secret value (a password, a connection string with credentials). It prints, inspects
// and serialises as "[redacted]", so a config object logged by accident leaks nothing;
// the only way to the value is an explicit `reveal()` at the place that needs it.
import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: call this only where the value is handed to the client that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}
