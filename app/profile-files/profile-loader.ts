// Reads every `<sensor>.yaml` in a profiles directory and validates them together into one
// ProfileSet, or reports every problem at file:line:col. Follows symlinks (a Kubernetes
// ConfigMap mount is symlinks into `..data`), skips hidden entries (`..data`,
// `..2026_...`) and files that are not profiles (README.md, profile.schema.json).
// It must never return a partial set: one bad file rejects the whole directory.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DEFAULT_PROFILE_MAX_BYTES } from './profile-file-options.ts';
import { CalibrationError, profileInvalid } from '../../calibration/errors.ts';
import type { ProfileIssue } from '../../calibration/errors.ts';
import { profileSetOf } from '../../calibration/profile.ts';
import type { Profile, ProfileSet } from '../../calibration/profile.ts';
import { parseProfile } from '../../calibration/profile-parser.ts';

export interface ProfileFilesOptions {
  /** Files larger than this are reported as invalid without being read. Default DEFAULT_PROFILE_MAX_BYTES. */
  maxFileBytes?: number;
}

/** One profile file's text, or (source null) the size of a file over the limit, which was not read. */
export type ProfileFileText =
  | { file: string; source: string }
  | { file: string; source: null; size: number; limit: number };

export interface LoadedProfiles {
  set: ProfileSet;
  /** sha256 over file names and contents: equal fingerprints mean nothing changed. */
  fingerprint: string;
}

export interface ReadProfiles {
  files: ProfileFileText[];
  fingerprint: string;
}

/** Reads the profile files of `dir` (no validation). @throws CalibrationError PROFILES_DIR_UNREADABLE */
export async function readProfileFiles(dir: string, options: ProfileFilesOptions = {}): Promise<ReadProfiles> {
  const limit = options.maxFileBytes ?? DEFAULT_PROFILE_MAX_BYTES;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    throw new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot list profiles directory ${dir}`, { cause: error, retryable: true });
  }
  const hash = createHash('sha256');
  const files: ProfileFileText[] = [];
  for (const name of names) {
    if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
    const file = join(dir, name);
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      if (info.size > limit) {
        files.push({ file, source: null, size: info.size, limit });
        hash.update(`${name}\0over the limit: ${info.size} bytes, modified ${info.mtimeMs}\0`);
        continue;
      }
      const bytes = await readFile(file);
      // The file may have grown between stat and read.
      if (bytes.length > limit) {
        files.push({ file, source: null, size: bytes.length, limit });
        hash.update(`${name}\0over the limit: ${bytes.length} bytes, modified ${info.mtimeMs}\0`);
        continue;
      }
      const source = bytes.toString('utf8');
      files.push({ file, source });
      hash.update(`${name}\0${source}\0`);
    } catch (error) {
      throw new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot read profile ${file}`, { cause: error, retryable: true });
    }
  }
  return { files, fingerprint: hash.digest('hex') };
}

/** Validates files read by readProfileFiles. Pure. @throws CalibrationError PROFILE_INVALID with every issue */
export function buildProfileSet(files: readonly ProfileFileText[]): ProfileSet {
  const build = new SetBuilder();
  for (const file of files) build.add(file);
  return build.finish();
}

/**
 * buildProfileSet for a running process: parses one file at a time and yields to the event
 * loop between files, so a reload never holds the loop for longer than one file's parse.
 * @throws CalibrationError PROFILE_INVALID with every issue
 */
export async function buildProfileSetYielding(files: readonly ProfileFileText[]): Promise<ProfileSet> {
  const build = new SetBuilder();
  for (const file of files) {
    await yieldToEventLoop();
    build.add(file);
  }
  return build.finish();
}

class SetBuilder {
  private readonly issues: ProfileIssue[] = [];
  private readonly profiles: Profile[] = [];

  add(text: ProfileFileText): void {
    const { file } = text;
    if (file.endsWith('.yml')) {
      this.issues.push({ file, line: 1, col: 1, message: 'profile files must be named <sensor>.yaml (not .yml)' });
    } else if (text.source === null) {
      this.issues.push({ file, line: 1, col: 1, message: `the file is ${text.size} bytes, over the limit of ${text.limit} bytes (KALIBRA_PROFILE_MAX_BYTES); it was not read` });
    } else {
      const result = parseProfile(file, text.source);
      if (result.ok) this.profiles.push(result.profile);
      else for (const issue of result.issues) this.issues.push(issue);
    }
  }

  finish(): ProfileSet {
    if (this.issues.length > 0) throw profileInvalid(this.issues);
    return profileSetOf(this.profiles);
  }
}

/** @throws CalibrationError PROFILES_DIR_UNREADABLE or PROFILE_INVALID */
export async function loadProfiles(dir: string, options: ProfileFilesOptions = {}): Promise<LoadedProfiles> {
  const read = await readProfileFiles(dir, options);
  return { set: await buildProfileSetYielding(read.files), fingerprint: read.fingerprint };
}
