// Reads every `<sensor>.yaml` in a profiles directory and validates them together into one
// ProfileSet, or reports every problem at file:line:col. Follows symlinks (a Kubernetes
// ConfigMap mount is symlinks into `..data`), skips hidden entries (`..data`,
// `..2026_...`) and files that are not profiles (README.md, profile.schema.json).
// It must never return a partial set: one bad file rejects the whole directory.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CalibrationError, profileInvalid } from '../../calibration/errors.ts';
import type { ProfileIssue } from '../../calibration/errors.ts';
import { profileSetOf } from '../../calibration/profile.ts';
import type { Profile, ProfileSet } from '../../calibration/profile.ts';
import { parseProfile } from '../../calibration/profile-parser.ts';

export interface LoadedProfiles {
  set: ProfileSet;
  /** sha256 over file names and contents: equal fingerprints mean nothing changed. */
  fingerprint: string;
}

export interface ReadProfiles {
  files: { file: string; source: string }[];
  fingerprint: string;
}

/** Reads the profile files of `dir` (no validation). @throws CalibrationError PROFILES_DIR_UNREADABLE */
export async function readProfileFiles(dir: string): Promise<ReadProfiles> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    throw new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot list profiles directory ${dir}`, { cause: error, retryable: true });
  }
  const hash = createHash('sha256');
  const files: { file: string; source: string }[] = [];
  for (const name of names) {
    if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
    const file = join(dir, name);
    try {
      if (!(await stat(file)).isFile()) continue;
      const source = await readFile(file, 'utf8');
      files.push({ file, source });
      hash.update(`${name}\0${source}\0`);
    } catch (error) {
      throw new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot read profile ${file}`, { cause: error, retryable: true });
    }
  }
  return { files, fingerprint: hash.digest('hex') };
}

/** Validates files read by readProfileFiles. Pure. @throws CalibrationError PROFILE_INVALID with every issue */
export function buildProfileSet(files: readonly { file: string; source: string }[]): ProfileSet {
  const issues: ProfileIssue[] = [];
  const profiles: Profile[] = [];
  for (const { file, source } of files) {
    if (file.endsWith('.yml')) {
      issues.push({ file, line: 1, col: 1, message: 'profile files must be named <sensor>.yaml (not .yml)' });
      continue;
    }
    const result = parseProfile(file, source);
    if (result.ok) profiles.push(result.profile);
    else issues.push(...result.issues);
  }
  if (issues.length > 0) throw profileInvalid(issues);
  return profileSetOf(profiles);
}

/** @throws CalibrationError PROFILES_DIR_UNREADABLE or PROFILE_INVALID */
export async function loadProfiles(dir: string): Promise<LoadedProfiles> {
  const read = await readProfileFiles(dir);
  return { set: buildProfileSet(read.files), fingerprint: read.fingerprint };
}
