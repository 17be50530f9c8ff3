// Keeps the profile set in force up to date with a profiles directory: a valid change is
// applied as a whole, an invalid one is rejected (the previous set stays in force) and
// reported. Works on a plain directory and on a Kubernetes ConfigMap mount, where the
// files are symlinks through `..data` and an update is an atomic rename of that symlink.
// It must never apply a partial or mixed set, and never throw from a background check.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CalibrationError } from '../../calibration/errors.ts';
import type { ProfileSet } from '../../calibration/profile.ts';
import { buildProfileSetYielding, loadProfiles, readProfileFiles } from './profile-loader.ts';

export interface ProfileReload {
  set: ProfileSet;
  fingerprint: string;
}

export interface ProfileWatcherOptions {
  dir: string;
  /** Called after a changed, valid set has been put in force. */
  onReload?: (reload: ProfileReload) => void;
  /** Called once per distinct rejected content (or unreadable directory); the previous set stays in force. */
  onRejected?: (error: CalibrationError) => void;
  /** Rescan period, a safety net under fs.watch (which can miss edits behind symlinks). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Quiet time after a change event before reading, so a multi-file update is read once. Default 100 ms. */
  debounceMs?: number;
  /** Larger profile files are rejected without being read. Default DEFAULT_PROFILE_MAX_BYTES (1 MiB). */
  maxFileBytes?: number;
}

export interface ProfileWatcherStats {
  reloads: number;
  rejections: number;
}

export interface ProfileWatcher {
  /** The set in force now. */
  current(): ProfileSet;
  stats(): ProfileWatcherStats;
  /** Resolves when the directory has been checked once more (for tests and `kill -HUP`-style reloads). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Loads `dir` and starts watching it.
 * @throws CalibrationError PROFILE_INVALID or PROFILES_DIR_UNREADABLE when the first load fails:
 *   a calibrator must not start without knowing its profiles.
 */
export async function watchProfiles(options: ProfileWatcherOptions): Promise<ProfileWatcher> {
  const pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 1000);
  const debounceMs = nonNegativeInteger('debounceMs', options.debounceMs ?? 100);
  if (options.maxFileBytes !== undefined) positiveInteger('maxFileBytes', options.maxFileBytes, 'bytes');
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new CalibrationError('OPTION_INVALID', 'watchProfiles: option dir must be a non-empty path');
  }
  const first = await loadProfiles(options.dir, { maxFileBytes: options.maxFileBytes });
  const watcher = new DirectoryWatcher(options, first.set, first.fingerprint, debounceMs);
  watcher.start(pollIntervalMs);
  return watcher;
}

class DirectoryWatcher implements ProfileWatcher {
  private set: ProfileSet;
  private fingerprint: string;
  private lastRejected: string | undefined;
  private readonly counts: ProfileWatcherStats = { reloads: 0, rejections: 0 };
  private fsWatcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  private readonly options: ProfileWatcherOptions;
  private readonly debounceMs: number;
  constructor(options: ProfileWatcherOptions, set: ProfileSet, fingerprint: string, debounceMs: number) {
    this.options = options;
    this.debounceMs = debounceMs;
    this.set = set;
    this.fingerprint = fingerprint;
  }

  start(pollIntervalMs: number): void {
    try {
      this.fsWatcher = watch(this.options.dir, { persistent: false }, () => this.scheduleSoon());
      this.fsWatcher.on('error', () => undefined); // the poll still runs
    } catch {
      // Some filesystems cannot be watched; polling alone still meets the deadline.
    }
    this.timer = setInterval(() => { void this.check(); }, pollIntervalMs);
    this.timer.unref();
  }

  current(): ProfileSet {
    return this.set;
  }

  stats(): ProfileWatcherStats {
    return { ...this.counts };
  }

  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.checkLoop().finally(() => { this.running = undefined; });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fsWatcher?.close();
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    await this.running;
  }

  private scheduleSoon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => { void this.check(); }, this.debounceMs);
    this.debounce.unref();
  }

  private async checkLoop(): Promise<void> {
    do {
      this.again = false;
      await this.checkOnce();
    } while (this.again && !this.closed);
  }

  private async checkOnce(): Promise<void> {
    let read: Awaited<ReturnType<typeof readProfileFiles>>;
    try {
      read = await this.readConsistent();
    } catch (error) {
      this.reject(error instanceof CalibrationError ? error
        : new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot read ${this.options.dir}`, { cause: error }), 'unreadable');
      return;
    }
    if (this.closed) return;
    if (read.fingerprint === this.fingerprint) {
      // Back to what is in force (e.g. a bad edit reverted): the same bad edit again is news.
      this.lastRejected = undefined;
      return;
    }
    if (read.fingerprint === this.lastRejected) return;
    let set: ProfileSet;
    try {
      set = await buildProfileSetYielding(read.files);
    } catch (error) {
      this.reject(error instanceof CalibrationError ? error
        : new CalibrationError('PROFILE_INVALID', 'profile validation failed unexpectedly', { cause: error }), read.fingerprint);
      return;
    }
    if (this.closed) return;
    this.set = set;
    this.fingerprint = read.fingerprint;
    this.lastRejected = undefined;
    this.counts.reloads += 1;
    this.notify(() => this.options.onReload?.({ set, fingerprint: read.fingerprint }));
  }

  /** Reads until the `..data` symlink (if any) is the same before and after, so a ConfigMap swap mid-read is never mixed. */
  private async readConsistent(): Promise<Awaited<ReturnType<typeof readProfileFiles>>> {
    for (let attempt = 0; ; attempt += 1) {
      const before = await dataTarget(this.options.dir);
      const read = await readProfileFiles(this.options.dir, { maxFileBytes: this.options.maxFileBytes });
      const after = await dataTarget(this.options.dir);
      if (before === after || attempt >= 5) return read;
    }
  }

  private reject(error: CalibrationError, fingerprint: string): void {
    if (fingerprint === this.lastRejected) return;
    this.lastRejected = fingerprint;
    this.counts.rejections += 1;
    this.notify(() => this.options.onRejected?.(error));
  }

  /** A listener that throws must not stop the watcher. */
  private notify(call: () => void): void {
    try {
      call();
    } catch {
      // the listener's own problem; the set in force is already decided
    }
  }
}

async function dataTarget(dir: string): Promise<string | undefined> {
  try {
    return await readlink(join(dir, '..data'));
  } catch {
    return undefined;
  }
}

function positiveInteger(name: string, value: number, unit = 'ms'): number {
  if (!Number.isInteger(value) || value <= 0) throw new CalibrationError('OPTION_INVALID', `watchProfiles: option ${name} must be a positive integer (${unit}), got ${String(value)}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new CalibrationError('OPTION_INVALID', `watchProfiles: option ${name} must be a non-negative integer (ms), got ${String(value)}`);
  return value;
}
