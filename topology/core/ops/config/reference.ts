// The Markdown configuration reference (one table per group) generated from option
// declarations; dev/config-reference.ts writes it into the README. Pure: returns a string.
import { groupedFacts } from './describe-option.js';
import { flagName } from './option.js';
import type { OptionDeclarations } from './option.js';

export interface ReferenceOptions {
  /** Heading level of each group, default 3 (`###`). */
  headingLevel?: number;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (text: string): string => (text === '' ? '' : text.split(', ').map((part) => `\`${part}\``).join(', '));

/**
 * Renders every option once: an option declared by several groups (the same env name, e.g.
 * KAFKA_BROKERS used by every process) appears in the first group that declares it.
 */
export function renderConfigReference(declarations: readonly OptionDeclarations[], options: ReferenceOptions = {}): string {
  const hashes = '#'.repeat(options.headingLevel ?? 3);
  const seen = new Set<string>();
  const merged: Record<string, OptionDeclarations[string]> = {};
  for (const group of declarations) {
    for (const [name, declaration] of Object.entries(group)) {
      const identity = declaration.env ?? `--${name}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
      // Keys only need to be unique here; the flag is pinned so renaming the key cannot change it.
      merged[`${Object.keys(merged).length}:${name}`] = { ...declaration, flag: flagName(name, declaration) };
    }
  }
  const out: string[] = [];
  for (const [group, facts] of groupedFacts(merged)) {
    out.push(`${hashes} ${group}`, '', '| Environment | Flag | Type | Default | Description |', '|---|---|---|---|---|');
    for (const fact of facts) {
      const def = fact.required ? '*required*' : fact.defaultText === undefined ? '' : `\`${cell(fact.defaultText)}\``;
      out.push(`| ${code(fact.env)} | ${code(cell(fact.flag))} | ${fact.type} | ${def} | ${cell(fact.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
