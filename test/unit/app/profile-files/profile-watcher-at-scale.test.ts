// Issue 14: with 10,000 profiles of all five methods, an edit of one file is applied after an
// in-place edit and after a ConfigMap-style ..data symlink swap; a reload parses only the file
// that changed, and checks while nothing changed read no file. The value a reading calibrates
// to is computed here from the edited gain and offset, not by the calibration code.
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { calibrate } from '../../../../calibration/calibrate.ts';
import type { ProfileSet } from '../../../../calibration/profile.ts';
import { watchProfiles } from '../../../../app/profile-files/profile-watcher.ts';
import type { ProfileReload, ProfileWatcher, ProfileWatcherOptions } from '../../../../app/profile-files/profile-watcher.ts';
import { tempDir } from '../../../helpers/pipeline-processes.ts';
import {
  ConfigMapMount, FLEET_METHODS, fleetFiles, fleetSensor, linearProfileYaml, writePlainFleet,
} from '../../../helpers/profile-fleet.ts';
import { waitFor } from '../../../helpers/stack.ts';

const FLEET = 10_000;
/** Stops a hang only; nothing here asserts a duration. */
const DEADLINE_MS = 60_000;
const TS = Date.parse('2026-06-01T00:00:00Z');
const RAW = 21.5;

/** Sensor 0 is linear (FLEET_METHODS[0]); the tests edit it. */
const EDITED = fleetSensor(0);

function calibrated(set: ProfileSet, sensor: string): number | null {
  return calibrate({ sensorId: sensor, ts: TS, value: RAW, unit: null }, set).value;
}

/** Dates every file (through symlinks) an hour back, as a fleet that has been in place for a while. */
function age(dir: string): void {
  const past = new Date(Date.now() - 3_600_000);
  for (const name of readdirSync(dir)) if (name.endsWith('.yaml')) utimesSync(join(dir, name), past, past);
}

async function watch(dir: string, extra: Partial<ProfileWatcherOptions> = {}): Promise<{ watcher: ProfileWatcher; reloads: ProfileReload[] }> {
  const reloads: ProfileReload[] = [];
  const watcher = await watchProfiles({ dir, onReload: (r) => reloads.push(r), ...extra });
  onTestFinished(() => watcher.close());
  return { watcher, reloads };
}

function expectWholeFleet(set: ProfileSet): void {
  expect(set.profiles.size).toBe(FLEET);
  const methods = new Set([...set.profiles.values()].flatMap((p) => p.versions.map((v) => v.params.method)));
  expect([...methods].sort()).toEqual([...FLEET_METHODS].sort());
}

describe('profiles at scale: 10,000 files (issue 14)', () => {
  it('applies an in-place edit of one of 10,000 profiles, parsing only that file, and reads no file while nothing changes', { timeout: 180_000 }, async () => {
    const dir = tempDir('kalibra-fleet');
    writePlainFleet(dir, fleetFiles(FLEET));
    age(dir);
    const { watcher, reloads } = await watch(dir);
    const before = watcher.current();
    expectWholeFleet(before);
    const expectedBefore = RAW - 0.5; // fleetProfileYaml(0): gain 1, offset -0.5
    expect(calibrated(before, EDITED)).toBeCloseTo(expectedBefore, 9);

    // Nothing changed: checks stat the files but read and hash none.
    await watcher.check();
    await watcher.check();
    expect(watcher.stats()).toMatchObject({ reloads: 0, filesChecked: 0, filesParsed: 0 });

    const file = join(dir, `${EDITED}.yaml`);
    const inode = statSync(file).ino;
    writeFileSync(file, linearProfileYaml(EDITED, 2, 5));
    expect(statSync(file).ino).toBe(inode); // in place, not a new file renamed over it
    await waitFor(() => calibrated(watcher.current(), EDITED) === 2 * RAW + 5,
      { timeoutMs: DEADLINE_MS, message: `the edit in force; ${EDITED} calibrates ${RAW} to ${calibrated(watcher.current(), EDITED)}` });

    const after = watcher.current();
    expect(after.profiles.size).toBe(FLEET);
    expect(reloads).toHaveLength(1);
    expect(reloads[0]!.filesParsed).toBe(1);
    // Every other sensor keeps the very same parsed profile.
    expect(after.profiles.get(fleetSensor(1))).toBe(before.profiles.get(fleetSensor(1)));
    expect(watcher.stats().filesParsed).toBe(1);
  });

  it('applies a ConfigMap update (a new ..data generation) of 10,000 profiles that changes one, parsing only that file', { timeout: 180_000 }, async () => {
    const mount = new ConfigMapMount(tempDir('kalibra-fleet-cm'));
    const files = fleetFiles(FLEET);
    mount.publish(files);
    age(mount.dir);
    const { watcher, reloads } = await watch(mount.dir);
    const before = watcher.current();
    expectWholeFleet(before);

    files.set(`${EDITED}.yaml`, linearProfileYaml(EDITED, 0.5, -3));
    const inode = statSync(join(mount.dir, `${EDITED}.yaml`)).ino;
    mount.publish(files);
    expect(statSync(join(mount.dir, `${EDITED}.yaml`)).ino).not.toBe(inode); // every file of the new generation is new
    await waitFor(() => calibrated(watcher.current(), EDITED) === 0.5 * RAW - 3,
      { timeoutMs: DEADLINE_MS, message: `the swapped generation in force; ${EDITED} calibrates ${RAW} to ${calibrated(watcher.current(), EDITED)}` });

    expect(reloads).toHaveLength(1);
    expect(reloads[0]!.set.profiles.size).toBe(FLEET);
    // All 10,000 files have a new inode and were hashed; only the one whose content changed was parsed.
    expect(reloads[0]!.filesParsed).toBe(1);
    expect(watcher.stats().filesChecked).toBeGreaterThanOrEqual(FLEET);
    expect(watcher.current().profiles.get(fleetSensor(1))).toBe(before.profiles.get(fleetSensor(1)));
  });
});

describe('without filesystem events', () => {
  // A debounce of ten minutes: within the test, an event never leads to a check.
  const noEvents = { debounceMs: 600_000 } as const;

  it('finds a ConfigMap swap by the probe of ..data', async () => {
    const mount = new ConfigMapMount(tempDir('kalibra-probe'));
    const files = new Map([[`${EDITED}.yaml`, linearProfileYaml(EDITED, 1, 0)]]);
    mount.publish(files);
    const { watcher } = await watch(mount.dir, { ...noEvents, pollIntervalMs: 50, sweepIntervalMs: 600_000 });
    files.set(`${EDITED}.yaml`, linearProfileYaml(EDITED, 1, 1));
    mount.publish(files);
    await waitFor(() => calibrated(watcher.current(), EDITED) === RAW + 1, { timeoutMs: DEADLINE_MS, message: 'the swap found by the probe' });
  });

  it('finds an in-place edit by the sweep, which stats every file', async () => {
    const dir = tempDir('kalibra-sweep');
    writeFileSync(join(dir, `${EDITED}.yaml`), linearProfileYaml(EDITED, 1, 0));
    age(dir);
    const { watcher } = await watch(dir, { ...noEvents, pollIntervalMs: 600_000, sweepIntervalMs: 50 });
    writeFileSync(join(dir, `${EDITED}.yaml`), linearProfileYaml(EDITED, 1, 2));
    await waitFor(() => calibrated(watcher.current(), EDITED) === RAW + 2, { timeoutMs: DEADLINE_MS, message: 'the edit found by the sweep' });
  });
});
