// Names that end up inside SQL text (the schema, temp tables) and cannot be bound as
// parameters. They are validated against a strict pattern once, at construction, so no
// caller-supplied string is ever spliced into SQL unchecked.
import { SinkError } from './errors.ts';

const plainIdentifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns `name` when it is a plain lower-case Postgres identifier, else throws naming `option`. */
export function checkIdentifier(name: string, option: string): string {
  if (!plainIdentifier.test(name)) {
    throw new SinkError('CONFIG_INVALID',
      `${option} must be a lower-case identifier (letters, digits, _; at most 63), got ${JSON.stringify(name)}`);
  }
  return name;
}

/** A double-quoted identifier, inner quotes doubled (a no-op for names that passed checkIdentifier). */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`; both parts must already have passed checkIdentifier. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
