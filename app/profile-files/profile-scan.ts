// Lists a profiles directory and stats each profile file, without reading any: the cheap
// question "which files are there, and has any been written?" that a reload asks before it
// parses only what changed. Follows symlinks (a ConfigMap's files are symlinks through
// `..data`) and skips hidden entries (`..data`, `..2026_...`) and files that are not
// profiles (README.md, profile.schema.json). Stats in slices, so 10,000 files never hold the
// event loop for long.
import { readdir, readlink, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CalibrationError } from '../../calibration/errors.ts';
import { fileIdentity } from './profile-file-check.ts';

export interface ScannedFile {
  name: string;
  path: string;
  /** fileIdentity of the file the name leads to, or the reason it could not be stat'ed. */
  identity: string | null;
  error?: string;
}

/** Files stat'ed between two turns of the event loop. */
const STAT_SLICE = 500;

/** The profile files of `dir`, sorted by name. @throws CalibrationError PROFILES_DIR_UNREADABLE when the directory cannot be listed */
export async function scanProfileDir(dir: string): Promise<ScannedFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => !name.startsWith('.') && (name.endsWith('.yaml') || name.endsWith('.yml'))).sort();
  } catch (error) {
    throw new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot list profiles directory ${dir}`, { cause: error, retryable: true });
  }
  const files: ScannedFile[] = [];
  for (let i = 0; i < names.length; i += 1) {
    if (i > 0 && i % STAT_SLICE === 0) await yieldToEventLoop();
    const name = names[i]!;
    const path = join(dir, name);
    try {
      const info = statSync(path);
      if (!info.isFile()) continue;
      files.push({ name, path, identity: fileIdentity(info) });
    } catch (error) {
      files.push({ name, path, identity: null, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return files;
}

/**
 * What the poll compares each second, two system calls whatever the number of files: the
 * target of `..data` (a ConfigMap update renames it) and the directory's own identity and
 * mtime (a file added, removed or renamed into place changes it). In-place edits do not
 * show here; filesystem events and the periodic sweep catch those.
 */
export async function directoryProbe(dir: string): Promise<string> {
  const [target, info] = await Promise.all([
    readlink(join(dir, '..data')).catch(() => ''),
    stat(dir).then((s) => `${s.dev}:${s.ino}:${s.mtimeMs}:${s.ctimeMs}`, (error: unknown) => `unreadable: ${error instanceof Error ? error.message : String(error)}`),
  ]);
  return `${target}|${info}`;
}

/** The `..data` target of a ConfigMap mount, or '' for a plain directory. */
export async function dataTarget(dir: string): Promise<string> {
  return readlink(join(dir, '..data')).catch(() => '');
}
