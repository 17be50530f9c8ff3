// What bin/dev-stack says: progress on stderr as `[dev-stack] ...`, and one error type that
// the command turns into `[dev-stack] error: ...` and exit code 1.
import { existsSync, readFileSync } from 'node:fs';

export function log(message: string): void {
  process.stderr.write(`[dev-stack] ${message}\n`);
}

/** A failure the user can act on; the message is printed as is, the exit code is 1. */
export class StackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StackError';
  }
}

export function fail(message: string): never {
  throw new StackError(message);
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Copies the last `lines` lines of a log file to stderr (nothing when it does not exist). */
export function tailToStderr(file: string, lines?: number): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  if (lines === undefined) {
    process.stderr.write(text);
    return;
  }
  const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  process.stderr.write(`${all.slice(-lines).join('\n')}\n`);
}
