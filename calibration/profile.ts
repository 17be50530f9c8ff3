// The in-memory shape of calibration profiles after parsing and validation: what the
// calibrate step reads. Plain readonly data; it must never hold file handles or YAML nodes.

export const MethodNames = ['linear', 'polynomial', 'table', 'steinhart-hart', 'callendar-van-dusen'] as const;
export type MethodName = (typeof MethodNames)[number];

/** Inclusive bounds; a missing side is unbounded. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

export type MethodParams =
  | { readonly method: 'linear'; readonly gain: number; readonly offset: number }
  /** value = c0 + c1·x + c2·x² + … */
  | { readonly method: 'polynomial'; readonly coefficients: readonly number[] }
  /** Piecewise-linear through points sorted by strictly increasing x. */
  | { readonly method: 'table'; readonly points: readonly (readonly [number, number])[]; readonly extrapolate: boolean }
  /** Thermistor, ohm → kelvin: 1/T = a + b·ln R + c·(ln R)³. */
  | { readonly method: 'steinhart-hart'; readonly a: number; readonly b: number; readonly c: number }
  /** RTD, ohm → °C: R = R0·(1 + A·T + B·T² + C·(T − 100)·T³), the C term only below 0 °C. */
  | { readonly method: 'callendar-van-dusen'; readonly R0: number; readonly A: number; readonly B: number; readonly C: number };

/** One version of a sensor's calibration, with profile-level settings already folded in. */
export interface ProfileVersion {
  readonly sensor: string;
  /** Epoch ms; the version applies to readings with ts >= validFrom until the next version. */
  readonly validFrom: number;
  readonly inputUnit: string;
  readonly unit: string;
  readonly params: MethodParams;
  /** Raw values outside these bounds are out_of_range (the version's own, else the profile's). */
  readonly inputRange: Bounds | null;
  /** Calibrated values outside these bounds are out_of_range (the version's own, else the profile's). */
  readonly limits: Bounds | null;
  readonly certificate: string | null;
  readonly notes: string | null;
  /** `sensor@valid_from#<12 hex>`, see version-identity.ts. */
  readonly identity: string;
}

export interface Profile {
  readonly sensor: string;
  readonly description: string | null;
  /** The file it came from, as given to the loader. */
  readonly file: string;
  /** Sorted by validFrom, ascending, no two equal. */
  readonly versions: readonly ProfileVersion[];
}

/** All profiles in force at one moment, by sensor id. Replaced as a whole on reload. */
export interface ProfileSet {
  readonly profiles: ReadonlyMap<string, Profile>;
}

export function profileSetOf(profiles: readonly Profile[]): ProfileSet {
  return { profiles: new Map(profiles.map((p) => [p.sensor, p])) };
}

/** The version whose valid_from is the latest at or before `ts`, or undefined. */
export function versionAt(profile: Profile, ts: number): ProfileVersion | undefined {
  // Binary search: a profile may collect many versions over the years of a drifting sensor.
  const versions = profile.versions;
  let lo = 0;
  let hi = versions.length - 1;
  let found: ProfileVersion | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = versions[mid]!;
    if (candidate.validFrom <= ts) {
      found = candidate;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
