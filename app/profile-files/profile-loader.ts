// Loads a profiles directory once into one validated ProfileSet, or reports every problem
// at file:line:col: what `bin/profiles check` and `show` do, and the same check the calibrator
// runs (the files are parsed on worker threads by ProfileParserPool, then validated together).
// It must never return a partial set: one bad file rejects the whole directory.
import { DEFAULT_PROFILE_MAX_BYTES } from './profile-file-options.ts';
import type { ProfileSet } from '../../calibration/profile.ts';
import { ProfileCatalog } from './profile-catalog.ts';
import { ProfileParserPool } from './profile-parser-pool.ts';

export interface ProfileFilesOptions {
  /** Files larger than this are reported as invalid without being read. Default DEFAULT_PROFILE_MAX_BYTES. */
  maxFileBytes?: number;
}

export interface LoadedProfiles {
  set: ProfileSet;
  /** sha256 over file names and content hashes: equal fingerprints mean nothing changed. */
  fingerprint: string;
}

/** @throws CalibrationError PROFILES_DIR_UNREADABLE or PROFILE_INVALID (with every issue) */
export async function loadProfiles(dir: string, options: ProfileFilesOptions = {}): Promise<LoadedProfiles> {
  const pool = new ProfileParserPool({ maxFileBytes: options.maxFileBytes ?? DEFAULT_PROFILE_MAX_BYTES });
  try {
    const refresh = await new ProfileCatalog(dir, pool).refresh();
    const result = refresh.result();
    if ('error' in result) throw result.error;
    return { set: result.set, fingerprint: refresh.fingerprint };
  } finally {
    await pool.close();
  }
}
