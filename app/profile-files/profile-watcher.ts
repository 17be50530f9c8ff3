// Keeps the profile set in force up to date with a profiles directory: a valid change is
// applied as a whole, an invalid one is rejected (the previous set stays in force) and
// reported. Works on a plain directory and on a Kubernetes ConfigMap mount, where the files
// are symlinks through `..data` and an update is an atomic rename of that symlink. It reacts
// to filesystem events; a probe each second (the `..data` target and the directory's mtime,
// two system calls) and a slower sweep that stats every file are the safety nets. Nothing is
// read or hashed while nothing changes, and a reload parses only the files that changed, on
// worker threads. It must never apply a partial or mixed set, and never throw from a
// background check.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { CalibrationError } from '../../calibration/errors.ts';
import type { ProfileSet } from '../../calibration/profile.ts';
import { DEFAULT_PROFILE_MAX_BYTES } from './profile-file-options.ts';
import { RACY_WINDOW_MS } from './profile-file-check.ts';
import { ProfileCatalog } from './profile-catalog.ts';
import type { CatalogRefresh } from './profile-catalog.ts';
import { ProfileParserPool } from './profile-parser-pool.ts';
import { directoryProbe } from './profile-scan.ts';

export interface ProfileReload {
  set: ProfileSet;
  fingerprint: string;
  /** Files whose content was parsed for this reload (the others were kept). */
  filesParsed: number;
  /** From the start of the check that found the change to the new set being in force. */
  durationMs: number;
}

export interface ProfileWatcherOptions {
  dir: string;
  /** Called after a changed, valid set has been put in force. */
  onReload?: (reload: ProfileReload) => void;
  /** Called once per distinct rejected content (or unreadable directory); the previous set stays in force. */
  onRejected?: (error: CalibrationError) => void;
  /** Period of the cheap probe (`..data` target, directory mtime) under the filesystem events. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Period of the sweep that stats every file (no reading), for edits the events and the probe miss. Default 30000 ms. */
  sweepIntervalMs?: number;
  /** Quiet time after a change event before checking, so a multi-file update is read once. Default 100 ms. */
  debounceMs?: number;
  /** Larger profile files are rejected without being read. Default DEFAULT_PROFILE_MAX_BYTES (1 MiB). */
  maxFileBytes?: number;
  /** Parser worker threads at most. Default: the cores available, at most 4. */
  parserThreads?: number;
}

export interface ProfileWatcherStats {
  reloads: number;
  rejections: number;
  /** Files read and hashed since the first load (only files whose identity on disk changed). */
  filesChecked: number;
  /** Files parsed since the first load (only files whose content changed). */
  filesParsed: number;
}

export interface ProfileWatcher {
  /** The set in force now. */
  current(): ProfileSet;
  stats(): ProfileWatcherStats;
  /** Resolves when the directory has been checked once more, every file stat'ed (for tests and `kill -HUP`-style reloads). */
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
  const sweepIntervalMs = positiveInteger('sweepIntervalMs', options.sweepIntervalMs ?? 30_000);
  const debounceMs = nonNegativeInteger('debounceMs', options.debounceMs ?? 100);
  const maxFileBytes = positiveInteger('maxFileBytes', options.maxFileBytes ?? DEFAULT_PROFILE_MAX_BYTES, 'bytes');
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new CalibrationError('OPTION_INVALID', 'watchProfiles: option dir must be a non-empty path');
  }
  const pool = new ProfileParserPool({ maxFileBytes, ...(options.parserThreads === undefined ? {} : { threads: positiveInteger('parserThreads', options.parserThreads, 'threads') }) });
  const catalog = new ProfileCatalog(options.dir, pool);
  try {
    const probe = await directoryProbe(options.dir);
    const first = await catalog.refresh();
    const result = first.result();
    if ('error' in result) throw result.error;
    const watcher = new DirectoryWatcher(options, catalog, pool, { set: result.set, fingerprint: first.fingerprint, probe }, debounceMs);
    watcher.start(pollIntervalMs, sweepIntervalMs, first.racy);
    return watcher;
  } catch (error) {
    await pool.close();
    throw error;
  }
}

interface InForce {
  set: ProfileSet;
  fingerprint: string;
  probe: string;
}

class DirectoryWatcher implements ProfileWatcher {
  private set: ProfileSet;
  private fingerprint: string;
  private probe: string;
  private lastRejected: string | undefined;
  private readonly counts: ProfileWatcherStats = { reloads: 0, rejections: 0, filesChecked: 0, filesParsed: 0 };
  private fsWatcher: FSWatcher | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private racyTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  private readonly options: ProfileWatcherOptions;
  private readonly catalog: ProfileCatalog;
  private readonly pool: ProfileParserPool;
  private readonly debounceMs: number;
  constructor(options: ProfileWatcherOptions, catalog: ProfileCatalog, pool: ProfileParserPool, inForce: InForce, debounceMs: number) {
    this.options = options;
    this.catalog = catalog;
    this.pool = pool;
    this.debounceMs = debounceMs;
    this.set = inForce.set;
    this.fingerprint = inForce.fingerprint;
    this.probe = inForce.probe;
  }

  start(pollIntervalMs: number, sweepIntervalMs: number, racy: boolean): void {
    this.watchEvents();
    const poll = setInterval(() => { void this.poll(); }, pollIntervalMs);
    const sweep = setInterval(() => { void this.check(); }, sweepIntervalMs);
    for (const timer of [poll, sweep]) {
      timer.unref();
      this.timers.push(timer);
    }
    if (racy) this.recheckRacy();
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
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.debounce);
    clearTimeout(this.racyTimer);
    await this.running;
    await this.pool.close();
  }

  /** inotify on the directory: in-place edits, new and renamed files, and the `..data` rename of a ConfigMap update. */
  private watchEvents(): void {
    try {
      const watcher = watch(this.options.dir, { persistent: false }, () => this.scheduleSoon());
      watcher.on('error', () => {
        // The directory went away or cannot be watched any more: the probe notices and watches again.
        watcher.close();
        if (this.fsWatcher === watcher) this.fsWatcher = undefined;
      });
      this.fsWatcher = watcher;
    } catch {
      // Some filesystems cannot be watched; the probe and the sweep still see every change.
    }
  }

  private async poll(): Promise<void> {
    if (this.closed || this.running !== undefined) return;
    if (this.fsWatcher === undefined) this.watchEvents();
    if (await directoryProbe(this.options.dir) !== this.probe) void this.check();
  }

  private scheduleSoon(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => { void this.check(); }, this.debounceMs);
    this.debounce.unref();
  }

  /** A file written within the timestamp granularity may change again without changing its identity: look once more when that window has passed. */
  private recheckRacy(): void {
    clearTimeout(this.racyTimer);
    this.racyTimer = setTimeout(() => { void this.check(); }, RACY_WINDOW_MS);
    this.racyTimer.unref();
  }

  private async checkLoop(): Promise<void> {
    do {
      this.again = false;
      await this.checkOnce();
    } while (this.again && !this.closed);
  }

  private async checkOnce(): Promise<void> {
    const startedAt = performance.now();
    // Taken before the scan, so a change during the scan shows at the next probe.
    this.probe = await directoryProbe(this.options.dir);
    let refresh: CatalogRefresh;
    try {
      refresh = await this.catalog.refresh();
    } catch (error) {
      this.reject(error instanceof CalibrationError ? error
        : new CalibrationError('PROFILES_DIR_UNREADABLE', `cannot read ${this.options.dir}`, { cause: error }), 'unreadable');
      return;
    }
    if (this.closed) return;
    this.counts.filesChecked += refresh.filesChecked;
    this.counts.filesParsed += refresh.filesParsed;
    if (refresh.racy) this.recheckRacy();
    if (refresh.fingerprint === this.fingerprint) {
      // Back to what is in force (e.g. a bad edit reverted): the same bad edit again is news.
      this.lastRejected = undefined;
      return;
    }
    if (refresh.fingerprint === this.lastRejected) return;
    const result = refresh.result();
    if ('error' in result) {
      this.reject(result.error, refresh.fingerprint);
      return;
    }
    const { set } = result;
    this.set = set;
    this.fingerprint = refresh.fingerprint;
    this.lastRejected = undefined;
    this.counts.reloads += 1;
    const reload: ProfileReload = { set, fingerprint: refresh.fingerprint, filesParsed: refresh.filesParsed, durationMs: performance.now() - startedAt };
    this.notify(() => this.options.onReload?.(reload));
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

function positiveInteger(name: string, value: number, unit = 'ms'): number {
  if (!Number.isInteger(value) || value <= 0) throw new CalibrationError('OPTION_INVALID', `watchProfiles: option ${name} must be a positive integer (${unit}), got ${String(value)}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new CalibrationError('OPTION_INVALID', `watchProfiles: option ${name} must be a non-negative integer (ms), got ${String(value)}`);
  return value;
}
