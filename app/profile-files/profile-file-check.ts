// Checks one profile file as the parse worker does it: open, fstat (the identity of what was
// actually read), refuse it over the size limit without reading it, hash the bytes, and parse
// them unless they hash to what the caller already knows. Synchronous on purpose: it runs on
// a worker thread (profile-parse-worker.ts), never on the calibrator's event loop.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import type { ParseResult } from '../../calibration/profile-parser.ts';
import { parseProfile } from '../../calibration/profile-parser.ts';

export interface FileCheckJob {
  /** The file to check, as the scan found it (symlinks are followed). */
  path: string;
  /** sha256 of the content already parsed for this path; equal content is not parsed again. */
  knownHash: string | null;
}

/** What a file is on disk: device, inode, size and times. Equal identities mean the file was not written. */
export function fileIdentity(info: Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

/**
 * A file written this recently before it was read may be written again within the file
 * system's timestamp granularity with the same size, and so keep its identity: its content is
 * checked again (hash only) once this has passed. Linux file systems stamp with the kernel's
 * coarse clock (a jiffy, at most 10 ms); one that stamps whole seconds (an mtime with no
 * milliseconds) gets RACY_WINDOW_MS.
 */
export const RACY_WINDOW_MS = 2_000;
const FINE_RACY_WINDOW_MS = 50;

export function isRacy(mtimeMs: number, readAtMs: number): boolean {
  const window = mtimeMs % 1000 === 0 ? RACY_WINDOW_MS : FINE_RACY_WINDOW_MS;
  return readAtMs - mtimeMs < window;
}

export type FileCheckOutcome =
  | { path: string; kind: 'parsed'; identity: string; hash: string; racy: boolean; result: ParseResult }
  | { path: string; kind: 'unchanged'; identity: string; hash: string; racy: boolean }
  | { path: string; kind: 'over-limit'; identity: string; size: number; limit: number }
  | { path: string; kind: 'unreadable'; message: string }
  /** The check itself failed: the worker crashed (out of memory, say) or stalled on this file. */
  | { path: string; kind: 'failed'; message: string };

export function checkProfileFile(job: FileCheckJob, limit: number, now: () => number = Date.now): FileCheckOutcome {
  let fd: number;
  try {
    fd = openSync(job.path, 'r');
  } catch (error) {
    return { path: job.path, kind: 'unreadable', message: messageOf(error) };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { path: job.path, kind: 'unreadable', message: 'not a regular file' };
    const identity = fileIdentity(info);
    if (info.size > limit) return { path: job.path, kind: 'over-limit', identity, size: info.size, limit };
    // One byte more than the limit: a file that grew since fstat is caught, not truncated.
    const buffer = Buffer.allocUnsafe(Math.min(info.size, limit) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > limit) return { path: job.path, kind: 'over-limit', identity, size: length, limit };
    const bytes = buffer.subarray(0, length);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const racy = isRacy(info.mtimeMs, now());
    if (hash === job.knownHash) return { path: job.path, kind: 'unchanged', identity, hash, racy };
    return { path: job.path, kind: 'parsed', identity, hash, racy, result: parseProfile(job.path, bytes.toString('utf8')) };
  } catch (error) {
    return { path: job.path, kind: 'unreadable', message: messageOf(error) };
  } finally {
    closeSync(fd);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
