// How a process declares the options it reads: once, with env name, type, default and
// description, so parsing, validation, `--help` and the Markdown reference all come from
// the same declaration. This file only describes options; it reads nothing.
import type { Secret } from './secret.ts';

export const OptionTypes = ['string', 'int', 'bool', 'list', 'duration', 'secret'] as const;
export type OptionType = (typeof OptionTypes)[number];

interface OptionBase {
  /**
   * The environment variable (UPPER_SNAKE). The flag is the same name in kebab-case
   * (KAFKA_BROKERS → --kafka-brokers). Leave it out for command-only flags (e.g. --dry-run).
   */
  env?: string;
  /** The flag without `--`; only for flag-only options or to override the derived name. */
  flag?: string;
  description: string;
  /** Heading under which `--help` and the reference list the option. */
  group?: string;
  required?: boolean;
  /** The value's name in help, e.g. `path` for `--kafka-tls-ca-file <path>`; default: the type. */
  placeholder?: string;
  /** Shown as the default in help when the real default is computed at run time (e.g. "the hostname"). */
  defaultLabel?: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
  /** Allowed values; anything else is rejected with the list. */
  choices?: readonly string[];
}

export interface IntOption extends OptionBase {
  type: 'int';
  default?: number;
  min?: number;
  max?: number;
}

export interface BoolOption extends OptionBase {
  type: 'bool';
  default?: boolean;
}

/** Comma-separated in env; a repeated flag adds to the list. */
export interface ListOption extends OptionBase {
  type: 'list';
  default?: readonly string[];
}

/** Milliseconds: `250ms`, `10s`, `2m`, `1h`, or a bare number of milliseconds. */
export interface DurationOption extends OptionBase {
  type: 'duration';
  default?: number;
}

/** From the environment or from `<ENV>_FILE` (trailing newline trimmed); never from a flag. */
export interface SecretOption extends OptionBase {
  type: 'secret';
  env: string;
  default?: string;
}

export type OptionDeclaration = StringOption | IntOption | BoolOption | ListOption | DurationOption | SecretOption;

/** A group of declarations keyed by the name the parsed value gets (camelCase). */
export type OptionDeclarations = Readonly<Record<string, OptionDeclaration>>;

type BaseValue<D extends OptionDeclaration> =
  D extends { type: 'string'; choices: readonly (infer C)[] } ? C
    : D extends { type: 'string' } ? string
      : D extends { type: 'int' | 'duration' } ? number
        : D extends { type: 'bool' } ? boolean
          : D extends { type: 'list' } ? string[]
            : Secret;

/** The parsed value of one declaration: undefined only when it is neither required nor defaulted. */
export type OptionValue<D extends OptionDeclaration> =
  D extends { type: 'bool' } | { type: 'list' } ? BaseValue<D>
    : D extends { default: unknown } | { required: true } ? BaseValue<D>
      : BaseValue<D> | undefined;

export type ConfigValues<Ds extends OptionDeclarations> = { -readonly [K in keyof Ds]: OptionValue<Ds[K]> };

/**
 * Declares a group of options, keeping the literal types (choices, required, defaults) so the
 * parsed config is typed precisely: `defineOptions({ port: { env: 'PORT', type: 'int', default: 8080, ... } })`.
 */
export function defineOptions<const Ds extends OptionDeclarations>(declarations: Ds): Ds {
  return declarations;
}

/** KAFKA_BROKERS → kafka-brokers; dryRun → dry-run. */
export function flagName(name: string, declaration: OptionDeclaration): string {
  if (declaration.flag !== undefined) return declaration.flag;
  if (declaration.env !== undefined) return declaration.env.toLowerCase().replaceAll('_', '-');
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** What messages call the option: its env name, or `--flag` for flag-only options. */
export function optionLabel(name: string, declaration: OptionDeclaration): string {
  return declaration.env ?? `--${flagName(name, declaration)}`;
}
