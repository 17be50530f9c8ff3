// What a profiles directory holds, file by file, kept between reloads: each file's identity
// on disk (device, inode, size, times), the hash of its content and its parse result. A
// refresh stats every file and sends to the parser pool only the files whose identity
// changed, and of those parses only the ones whose content changed (a ConfigMap update
// gives every file a new inode but usually changes one). The directory-wide rules are then
// checked again over the kept results: all files valid, or the whole set is refused.
// It never returns a set mixed from two ConfigMap generations.
import { createHash } from 'node:crypto';
import { CalibrationError, profileInvalid } from '../../calibration/errors.ts';
import type { ProfileIssue } from '../../calibration/errors.ts';
import { profileSetOf } from '../../calibration/profile.ts';
import type { Profile, ProfileSet } from '../../calibration/profile.ts';
import type { FileCheckJob, FileCheckOutcome } from './profile-file-check.ts';
import type { ProfileParserPool } from './profile-parser-pool.ts';
import { dataTarget, scanProfileDir } from './profile-scan.ts';
import type { ScannedFile } from './profile-scan.ts';

interface Entry {
  path: string;
  identity: string;
  /** Content hash, or a stand-in for files that were not hashed (over the limit, .yml, failed checks). */
  hash: string;
  /** Written so recently that a same-size rewrite could keep its identity: hashed again on the next refresh. */
  racy: boolean;
  profile?: Profile;
  issues?: readonly ProfileIssue[];
}

export interface CatalogRefresh {
  /** sha256 over file names and content hashes: equal fingerprints mean the same profiles. */
  fingerprint: string;
  /** Files sent to the parser pool by this refresh (hashed, and parsed when their content changed). */
  filesChecked: number;
  /** Files whose content was parsed by this refresh. */
  filesParsed: number;
  /** Some file was written so recently that it must be looked at again in RACY_WINDOW_MS. */
  racy: boolean;
  /** The validated set, or the error that refuses it (PROFILE_INVALID with every issue, or PROFILES_DIR_UNREADABLE). Computed on first call. */
  result(): { set: ProfileSet } | { error: CalibrationError };
}

/** ConfigMap swaps during one refresh before it gives up and reports what it saw. */
const MAX_SWAPS_PER_REFRESH = 5;

export class ProfileCatalog {
  private entries = new Map<string, Entry>();
  private readonly dir: string;
  private readonly pool: ProfileParserPool;

  constructor(dir: string, pool: ProfileParserPool) {
    this.dir = dir;
    this.pool = pool;
  }

  /** @throws CalibrationError PROFILES_DIR_UNREADABLE when the directory cannot be listed */
  async refresh(): Promise<CatalogRefresh> {
    let checked = 0;
    let parsed = 0;
    let unreadable: { path: string; message: string }[] = [];
    for (let swap = 0; ; swap += 1) {
      const before = await dataTarget(this.dir);
      const scanned = await scanProfileDir(this.dir);
      const round = await this.checkChanged(scanned);
      checked += round.checked;
      parsed += round.parsed;
      unreadable = round.unreadable;
      if (await dataTarget(this.dir) === before || swap >= MAX_SWAPS_PER_REFRESH) break;
    }
    const names = [...this.entries.keys()].sort();
    const hash = createHash('sha256');
    for (const name of names) hash.update(`${name}\0${this.entries.get(name)!.hash}\0`);
    for (const file of unreadable) hash.update(`${file.path}\0unreadable\0`);
    const fingerprint = hash.digest('hex');
    const entries = this.entries;
    const racy = [...entries.values()].some((entry) => entry.racy);
    let result: { set: ProfileSet } | { error: CalibrationError } | undefined;
    return {
      fingerprint, filesChecked: checked, filesParsed: parsed, racy,
      result: () => {
        result ??= buildResult(names, entries, unreadable);
        return result;
      },
    };
  }

  private async checkChanged(scanned: readonly ScannedFile[]): Promise<{ checked: number; parsed: number; unreadable: { path: string; message: string }[] }> {
    const next = new Map<string, Entry>();
    const jobs: FileCheckJob[] = [];
    const unreadable: { path: string; message: string }[] = [];
    const scannedAs = new Map<string, ScannedFile>();
    for (const file of scanned) {
      const known = this.entries.get(file.name);
      if (file.identity === null) {
        unreadable.push({ path: file.path, message: file.error ?? 'cannot stat' });
      } else if (file.name.endsWith('.yml')) {
        next.set(file.name, { path: file.path, identity: file.identity, hash: 'not read: .yml', racy: false, issues: [{ file: file.path, line: 1, col: 1, message: 'profile files must be named <sensor>.yaml (not .yml)' }] });
      } else if (known !== undefined && known.identity === file.identity && !known.racy) {
        next.set(file.name, known);
      } else {
        jobs.push({ path: file.path, knownHash: known?.hash ?? null });
        scannedAs.set(file.path, file);
      }
    }
    const outcomes = await this.pool.check(jobs);
    let parsed = 0;
    for (const outcome of outcomes) {
      const file = scannedAs.get(outcome.path)!;
      const name = file.name;
      const entry = this.entryOf(outcome, this.entries.get(name), file.identity!);
      if (outcome.kind === 'parsed') parsed += 1;
      if (entry === undefined) unreadable.push({ path: outcome.path, message: outcome.kind === 'unreadable' ? outcome.message : 'cannot read' });
      else next.set(name, entry);
    }
    this.entries = next;
    return { checked: jobs.length, parsed, unreadable };
  }

  private entryOf(outcome: FileCheckOutcome, known: Entry | undefined, scannedIdentity: string): Entry | undefined {
    const { path } = outcome;
    switch (outcome.kind) {
      case 'parsed':
        return outcome.result.ok
          ? { path, identity: outcome.identity, hash: outcome.hash, racy: outcome.racy, profile: outcome.result.profile }
          : { path, identity: outcome.identity, hash: outcome.hash, racy: outcome.racy, issues: outcome.result.issues };
      case 'unchanged':
        // The pool only answers "unchanged" for the hash it was given, which was known's.
        return known === undefined ? undefined : { ...known, identity: outcome.identity, racy: outcome.racy };
      case 'over-limit':
        return {
          path, identity: outcome.identity, hash: `over the limit: ${outcome.size} bytes`, racy: false,
          issues: [{ file: path, line: 1, col: 1, message: `the file is ${outcome.size} bytes, over the limit of ${outcome.limit} bytes (KALIBRA_PROFILE_MAX_BYTES); it was not read` }],
        };
      case 'failed':
        // Not checked again until the file changes: a file that crashes a worker would crash the next one too.
        return { path, identity: scannedIdentity, hash: `failed: ${outcome.message}`, racy: false, issues: [{ file: path, line: 1, col: 1, message: outcome.message }] };
      case 'unreadable':
        return undefined;
    }
  }
}

function buildResult(names: readonly string[], entries: ReadonlyMap<string, Entry>, unreadable: readonly { path: string; message: string }[]): { set: ProfileSet } | { error: CalibrationError } {
  if (unreadable.length > 0) {
    const first = unreadable[0]!;
    const more = unreadable.length > 1 ? ` (and ${unreadable.length - 1} more)` : '';
    return { error: new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot read profile ${first.path}: ${first.message}${more}`, { retryable: true }) };
  }
  const issues: ProfileIssue[] = [];
  const profiles: Profile[] = [];
  for (const name of names) {
    const entry = entries.get(name)!;
    if (entry.issues !== undefined) issues.push(...entry.issues);
    else if (entry.profile !== undefined) profiles.push(entry.profile);
  }
  if (issues.length > 0) return { error: profileInvalid(issues) };
  return { set: profileSetOf(profiles) };
}
