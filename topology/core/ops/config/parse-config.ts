// Reads a process's options from the environment, the command line and `*_FILE` files, and
// validates them all at once: the result is fully typed, or one ConfigError naming every bad
// option. Precedence: flag > env > <ENV>_FILE > default. Secrets are never read from flags,
// and no message ever contains a secret's value.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import type { ConfigIssue } from '../errors.ts';
import { flagName, optionLabel } from './option.ts';
import type { ConfigValues, OptionDeclaration, OptionDeclarations } from './option.ts';
import { parseValue, splitList } from './parse-value.ts';
import type { ParsedValue } from './parse-value.ts';
import { isSecret, Secret } from './secret.ts';

export interface ParseConfigOptions {
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Arguments after the script name; defaults to process.argv.slice(2). */
  argv?: readonly string[];
  /** Reads a `*_FILE`; defaults to readFileSync(path, 'utf8'). */
  readFile?: (path: string) => string;
}

export type ParsedConfig<Ds extends OptionDeclarations> =
  | { help: true }
  | {
    help: false;
    values: ConfigValues<Ds>;
    /** Arguments that are not flags (and everything after `--`), in order. */
    positionals: string[];
    /** Every secret value read, for the logger to redact wherever it appears. */
    secrets: string[];
  };

interface FlagTarget {
  name: string;
  declaration: OptionDeclaration;
  /** `--x-file` of a secret: the value is a path to read the secret from. */
  isFile: boolean;
}

/** Parses and validates; throws ConfigError (one error listing every problem). */
export function parseConfig<const Ds extends OptionDeclarations>(declarations: Ds, options: ParseConfigOptions = {}): ParsedConfig<Ds> {
  const env = options.env ?? process.env;
  const argv = options.argv ?? process.argv.slice(2);
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));

  const targets = flagTargets(declarations);
  const issues: ConfigIssue[] = [];
  const fromFlags = new Map<string, string[]>();
  /** The flag as typed (e.g. `--no-gate`), per key of fromFlags: what an issue about its value names. */
  const flagUsed = new Map<string, string>();
  const positionals: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') return { help: true };
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) issues.push({ code: 'CONFIG_UNKNOWN_FLAG', option: arg, message: 'unknown flag' });
      else positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const negated = flag.startsWith('no-') ? targets.get(flag.slice(3)) : undefined;
    const target = targets.get(flag) ?? (negated?.declaration.type === 'bool' ? negated : undefined);
    if (target === undefined) {
      issues.push({ code: 'CONFIG_UNKNOWN_FLAG', option: `--${flag}`, message: 'unknown flag' });
      continue;
    }
    const { declaration } = target;
    if (declaration.type === 'secret' && !target.isFile) {
      // Thrown at once: nothing else matters until the secret is off the command line.
      throw new ConfigError([{
        code: 'CONFIG_SECRET_AS_FLAG',
        option: `--${flag}`,
        message: `${declaration.env} is a secret and is not accepted as a flag (command lines are visible to other users and kept in shell history); set ${declaration.env} or ${declaration.env}_FILE`,
      }]);
    }
    let raw: string;
    if (target === negated && inline !== undefined) {
      issues.push({ code: 'CONFIG_INVALID', option: `--${flag}`, message: 'takes no value' });
      continue;
    } else if (declaration.type === 'bool' && inline === undefined) {
      raw = target === negated ? 'false' : 'true';
    } else if (inline !== undefined) {
      raw = inline;
    } else if (i + 1 < argv.length) {
      raw = argv[++i] ?? '';
    } else {
      issues.push({ code: 'CONFIG_INVALID', option: `--${flag}`, message: 'needs a value' });
      continue;
    }
    const key = target.isFile ? `${target.name}\0file` : target.name;
    fromFlags.set(key, [...(fromFlags.get(key) ?? []), raw]);
    flagUsed.set(key, `--${flag}`);
  }

  const values: Record<string, ParsedValue | undefined> = {};
  const secrets: string[] = [];
  for (const [name, declaration] of Object.entries(declarations)) {
    const label = optionLabel(name, declaration);
    const supplied = rawValue(name, declaration, env, fromFlags, flagUsed, readFile, issues);
    if (supplied === undefined) {
      if (declaration.required === true) {
        const where = declaration.env === undefined ? `--${flagName(name, declaration)}`
          : declaration.type === 'secret' ? `${declaration.env} or ${declaration.env}_FILE`
            : `${declaration.env} or --${flagName(name, declaration)}`;
        issues.push({ code: 'CONFIG_INVALID', option: label, message: `is required (set ${where})` });
      }
      values[name] = defaultValue(declaration);
    } else {
      const result = parseValue(supplied.raw, declaration);
      if (result.ok) values[name] = result.value;
      else issues.push({ code: 'CONFIG_INVALID', option: supplied.source, message: result.message });
      // Only values someone supplied are secret: a declared default is printed in --help anyway.
      if (result.ok && isSecret(result.value)) secrets.push(result.value.reveal());
    }
  }

  const [first, ...rest] = issues;
  if (first !== undefined) throw new ConfigError([first, ...rest]);
  return { help: false, values: values as ConfigValues<Ds>, positionals, secrets };
}

function flagTargets(declarations: OptionDeclarations): Map<string, FlagTarget> {
  const targets = new Map<string, FlagTarget>();
  for (const [name, declaration] of Object.entries(declarations)) {
    const flag = flagName(name, declaration);
    targets.set(flag, { name, declaration, isFile: false });
    if (declaration.type === 'secret') targets.set(`${flag}-file`, { name, declaration, isFile: true });
  }
  return targets;
}

/** The winning raw string and where it came from. */
interface SuppliedValue {
  raw: string;
  /** What an issue about the value names: the flag as typed, the environment variable, or the `*_FILE` that held it. */
  source: string;
}

/** The winning raw string for one option, or undefined when nothing set it. Empty env values count as unset. */
function rawValue(name: string, declaration: OptionDeclaration, env: Readonly<Record<string, string | undefined>>,
  fromFlags: ReadonlyMap<string, string[]>, flagUsed: ReadonlyMap<string, string>, readFile: (path: string) => string,
  issues: ConfigIssue[]): SuppliedValue | undefined {
  const flagged = fromFlags.get(name);
  const label = optionLabel(name, declaration);
  if (flagged !== undefined) {
    // A repeated list flag accumulates (--sensor a --sensor b); otherwise the last one wins.
    const raw = declaration.type === 'list' ? flagged.flatMap(splitList).join(',') : flagged.at(-1) ?? '';
    return { raw, source: flagUsed.get(name) ?? label };
  }
  const fileFlag = fromFlags.get(`${name}\0file`)?.at(-1);
  const envValue = declaration.env === undefined ? undefined : nonEmpty(env[declaration.env]);
  const envFile = declaration.type === 'secret' ? nonEmpty(env[`${declaration.env}_FILE`]) : undefined;
  if (fileFlag === undefined && envValue !== undefined && envFile !== undefined) {
    issues.push({ code: 'CONFIG_INVALID', option: label, message: `both ${label} and ${label}_FILE are set; set only one` });
    return undefined;
  }
  const path = fileFlag ?? (envValue === undefined ? envFile : undefined);
  if (path === undefined) return envValue === undefined ? undefined : { raw: envValue, source: label };
  const fileSource = fileFlag === undefined ? `${label}_FILE` : flagUsed.get(`${name}\0file`) ?? `${label}_FILE`;
  try {
    return { raw: readFile(path), source: fileSource };
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    issues.push({ code: 'CONFIG_FILE_UNREADABLE', option: fileSource, message: `cannot read "${path}" (${reason})` });
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function defaultValue(declaration: OptionDeclaration): ParsedValue | undefined {
  switch (declaration.type) {
    case 'bool':
      return declaration.default ?? false;
    case 'list':
      return [...(declaration.default ?? [])];
    case 'secret':
      return declaration.default === undefined ? undefined : new Secret(declaration.default);
    default:
      return declaration.default;
  }
}
