// The logic of `bin/profiles`: check a profiles directory the way the calibrator will
// (for CI), show which version of a sensor's profile is in force at a time, and print
// the JSON Schema for editors. Output goes through the passed-in writers; it never
// exits the process itself and never throws for bad input (it returns an exit code).
import { flagName, parseValue } from '../../topology/core/ops/index.ts';
import { CalibrationError, formatIssue } from '../../calibration/errors.ts';
import { parseIsoInstant } from '../../calibration/iso-time.ts';
import { parseTimeSpec } from '../../topology/core/ops/index.ts';
import { versionAt } from '../../calibration/profile.ts';
import type { ProfileVersion } from '../../calibration/profile.ts';
import { loadProfiles } from '../profile-files/profile-loader.ts';
import { profileFileOptions } from '../profile-files/profile-file-options.ts';
import type { ProfileFilesOptions } from '../profile-files/profile-loader.ts';
import { profileJsonSchema } from '../../calibration/profile-schema.ts';
import { validFromLabel } from '../../calibration/version-identity.ts';

export interface ProfilesCommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Epoch ms, the default for `show --at`. */
  now: number;
}

export const PROFILES_USAGE = `Usage:
  bin/profiles check [dir]                    validate every <sensor>.yaml in dir; exit 1 with
                                              file:line:col: message lines when any is invalid
  bin/profiles show <sensor> [--at <ts>] [--dir <dir>]
                                              the version in force at ts (default now) and its identity
  bin/profiles schema                         print the JSON Schema of a profile file

  --kalibra-profile-max-bytes <bytes>         (check and show) largest profile file accepted,
                                              default KALIBRA_PROFILE_MAX_BYTES, else 1048576 (1 MiB)

  dir defaults to KALIBRA_PROFILES_DIR, else ./calibration-profiles.
  ts is ISO-8601 (2026-01-01T00:00:00Z), epoch milliseconds, or relative to now (30m, 2h, 7d),
  as bin/replay and bin/simulate read it.

Exit codes: 0 ok, 1 invalid profiles or unknown sensor, 2 bad arguments.
`;

/** Runs one invocation; resolves to the process exit code. */
export async function runProfilesCommand(args: readonly string[], io: ProfilesCommandIO): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined) return usageError(io, 'missing command (check, show, schema; --help)');
  if (command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(PROFILES_USAGE);
    return 0;
  }
  const defaultDir = io.env.KALIBRA_PROFILES_DIR ?? './calibration-profiles';
  switch (command) {
    case 'check': {
      const files = fileOptions(rest, io.env);
      if (!files.ok) return usageError(io, files.message);
      if (files.rest.length > 1 || files.rest.some((a) => a.startsWith('-'))) return usageError(io, `check takes one directory, got: ${files.rest.join(' ')}`);
      return check(files.rest[0] ?? defaultDir, files.options, io);
    }
    case 'show': {
      const files = fileOptions(rest, io.env);
      if (!files.ok) return usageError(io, files.message);
      return show(files.rest, defaultDir, files.options, io);
    }
    case 'schema':
      if (rest.length > 0) return usageError(io, 'schema takes no arguments');
      io.stdout(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
      return 0;
    default:
      return usageError(io, `unknown command "${command}" (check, show, schema; --help)`);
  }
}

/** Takes the profile file options (declared in profile-loader.ts, shared with bin/calibrator) out of `args`: flag, else env, else default. */
function fileOptions(args: readonly string[], env: ProfilesCommandIO['env']):
  { ok: true; options: ProfileFilesOptions; rest: string[] } | { ok: false; message: string } {
  const declaration = profileFileOptions.profileMaxBytes;
  const flag = `--${flagName('profileMaxBytes', declaration)}`;
  const rest: string[] = [];
  let raw = env[declaration.env] === '' ? undefined : env[declaration.env];
  let label: string = declaration.env;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === flag || arg.startsWith(`${flag}=`)) {
      raw = arg === flag ? args[i + 1] : arg.slice(flag.length + 1);
      if (arg === flag) i += 1;
      if (raw === undefined) return { ok: false, message: `${flag} needs a value` };
      label = flag;
    } else {
      rest.push(arg);
    }
  }
  if (raw === undefined) return { ok: true, options: { maxFileBytes: declaration.default }, rest };
  const parsed = parseValue(raw, declaration);
  if (!parsed.ok) return { ok: false, message: `${label}: ${parsed.message}` };
  return { ok: true, options: { maxFileBytes: parsed.value as number }, rest };
}

async function check(dir: string, options: ProfileFilesOptions, io: ProfilesCommandIO): Promise<number> {
  try {
    const { set } = await loadProfiles(dir, options);
    const versions = [...set.profiles.values()].reduce((n, p) => n + p.versions.length, 0);
    io.stdout(`${dir}: ${set.profiles.size} profiles, ${versions} versions, all valid\n`);
    return 0;
  } catch (error) {
    return reportLoadError(error, io);
  }
}

async function show(rest: readonly string[], defaultDir: string, options: ProfileFilesOptions, io: ProfilesCommandIO): Promise<number> {
  let sensor: string | undefined;
  let at = io.now;
  let dir = defaultDir;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (arg === '--at' || arg === '--dir') {
      const value = rest[i + 1];
      if (value === undefined) return usageError(io, `${arg} needs a value`);
      i += 1;
      if (arg === '--dir') {
        dir = value;
      } else {
        const parsed = parseAt(value, io.now);
        if (parsed === undefined) {
          return usageError(io, `--at: cannot read "${value}" as a time (use ISO-8601 like 2026-11-29T04:00:00Z, epoch milliseconds, or relative like 30m, 2h, 7d)`);
        }
        at = parsed;
      }
    } else if (arg.startsWith('-')) {
      return usageError(io, `unknown option ${arg}`);
    } else if (sensor === undefined) {
      sensor = arg;
    } else {
      return usageError(io, `show takes one sensor, got "${sensor}" and "${arg}"`);
    }
  }
  if (sensor === undefined) return usageError(io, 'show needs a sensor id');
  try {
    const { set } = await loadProfiles(dir, options);
    const profile = set.profiles.get(sensor);
    if (profile === undefined) {
      io.stderr(`${sensor}: no profile in ${dir}; its readings are uncalibrated\n`);
      return 1;
    }
    const version = versionAt(profile, at);
    if (version === undefined) {
      io.stderr(`${sensor}: no version in force at ${new Date(at).toISOString()} (the first is ${validFromLabel(profile.versions[0]!.validFrom)}); readings then are uncalibrated\n`);
      return 1;
    }
    io.stdout(describeVersion(version, at));
    return 0;
  } catch (error) {
    return reportLoadError(error, io);
  }
}

export function describeVersion(version: ProfileVersion, at: number): string {
  const { method, ...params } = version.params;
  const lines = [
    `identity:    ${version.identity}`,
    `in force at: ${new Date(at).toISOString()}`,
    `valid_from:  ${new Date(version.validFrom).toISOString()}`,
    `method:      ${method} ${JSON.stringify(params)}`,
    `units:       ${version.inputUnit} -> ${version.unit}`,
  ];
  if (version.inputRange !== null) lines.push(`input_range: ${JSON.stringify(version.inputRange)}`);
  if (version.limits !== null) lines.push(`limits:      ${JSON.stringify(version.limits)}`);
  if (version.certificate !== null) lines.push(`certificate: ${version.certificate}`);
  if (version.notes !== null) lines.push(`notes:       ${version.notes}`);
  return `${lines.join('\n')}\n`;
}

/** The times bin/replay and bin/simulate read (parseTimeSpec: relative, ISO-8601, epoch ms), and any integer as epoch ms. */
function parseAt(text: string, now: number): number | undefined {
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
  try {
    return parseTimeSpec(text, now, '--at');
  } catch {
    return parseIsoInstant(text, { dateOnly: true });
  }
}

function reportLoadError(error: unknown, io: ProfilesCommandIO): number {
  if (error instanceof CalibrationError && error.code === 'PROFILE_INVALID') {
    io.stderr(`${error.issues.map(formatIssue).join('\n')}\n`);
    return 1;
  }
  if (error instanceof CalibrationError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    io.stderr(`${error.message}${cause}\n`);
    return 1;
  }
  // Not expected (the parser reports every bad input as an issue), but CI wants one line and exit 1, not a stack trace.
  io.stderr(`profiles: the check failed unexpectedly: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function usageError(io: ProfilesCommandIO, message: string): number {
  io.stderr(`profiles: ${message}\n`);
  return 2;
}
