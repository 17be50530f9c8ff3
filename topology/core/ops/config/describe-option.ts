// The facts about one declared option that help text and the Markdown reference both show
// (flag syntax, env names, default, constraints), computed in one place so they never disagree.
import { flagName } from './option.ts';
import type { OptionDeclaration, OptionDeclarations } from './option.ts';
import { formatDuration } from './parse-value.ts';

export interface OptionFacts {
  name: string;
  group: string;
  /** e.g. `--kafka-brokers <list>`, `--kafka-tls, --no-kafka-tls`, `--database-url-file <path>`. */
  flag: string;
  /** e.g. `KAFKA_BROKERS`, or `DATABASE_URL, DATABASE_URL_FILE` for secrets; empty for flag-only options. */
  env: string;
  type: string;
  /** Rendered default, or undefined when there is none. */
  defaultText: string | undefined;
  /** The default is a description (defaultLabel, e.g. "the hostname"), not a literal value. */
  defaultIsLabel: boolean;
  required: boolean;
  /** Description plus constraints (choices, range, secret handling). */
  description: string;
}

export const DEFAULT_GROUP = 'Options';

const PLACEHOLDER: Readonly<Record<OptionDeclaration['type'], string>> = {
  string: '<string>', int: '<int>', bool: '', list: '<list>', duration: '<duration>', secret: '<path>',
};

export function describeOption(name: string, declaration: OptionDeclaration): OptionFacts {
  const flag = flagName(name, declaration);
  const notes: string[] = [];
  if (declaration.type === 'string' && declaration.choices !== undefined) notes.push(`One of: ${declaration.choices.join(', ')}.`);
  if (declaration.type === 'int' && (declaration.min !== undefined || declaration.max !== undefined)) {
    notes.push(`Range: ${declaration.min ?? '-∞'}..${declaration.max ?? '∞'}.`);
  }
  if (declaration.type === 'list') notes.push('Comma-separated; the flag may be repeated.');
  if (declaration.type === 'duration') notes.push('Duration with a unit: 500ms, 10s, 2m, 1h.');
  if (declaration.type === 'secret') {
    notes.push(`Secret: from ${declaration.env} or a file named by ${declaration.env}_FILE (trailing newline trimmed); never a flag, never logged.`);
  }
  return {
    name,
    group: declaration.group ?? DEFAULT_GROUP,
    flag: declaration.type === 'bool' ? `--${flag}, --no-${flag}`
      : declaration.type === 'secret' ? `--${flag}-file ${PLACEHOLDER.secret}`
        : `--${flag} ${declaration.placeholder === undefined ? PLACEHOLDER[declaration.type] : `<${declaration.placeholder}>`}`,
    env: declaration.env === undefined ? '' : declaration.type === 'secret' ? `${declaration.env}, ${declaration.env}_FILE` : declaration.env,
    type: declaration.type,
    defaultText: defaultText(declaration),
    defaultIsLabel: declaration.defaultLabel !== undefined,
    required: declaration.required === true,
    description: [declaration.description, ...notes].join(' '),
  };
}

/** Declarations grouped by `group`, groups and options in declaration order. */
export function groupedFacts(declarations: OptionDeclarations): Map<string, OptionFacts[]> {
  const groups = new Map<string, OptionFacts[]>();
  for (const [name, declaration] of Object.entries(declarations)) {
    const facts = describeOption(name, declaration);
    groups.set(facts.group, [...(groups.get(facts.group) ?? []), facts]);
  }
  return groups;
}

function defaultText(declaration: OptionDeclaration): string | undefined {
  if (declaration.defaultLabel !== undefined) return declaration.defaultLabel;
  switch (declaration.type) {
    case 'bool':
      return String(declaration.default ?? false);
    case 'list':
      return declaration.default === undefined || declaration.default.length === 0 ? undefined : declaration.default.join(',');
    case 'duration':
      return declaration.default === undefined ? undefined : formatDuration(declaration.default);
    case 'int':
      return declaration.default === undefined ? undefined : String(declaration.default);
    default:
      return declaration.default;
  }
}
