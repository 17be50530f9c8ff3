// Generates the Markdown configuration reference from option declarations, so the README
// can never disagree with `--help`. Prints it, writes it between the markers in a file
// (--write), or fails when that file is out of date (--check, for CI).
//   bin/node24 node dev/config-reference.ts [--write README.md | --check README.md] <module>[#export] ...
// A module given without #export contributes every exported declaration group, in source order.
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineOptions, loadConfigOrExit, OptionTypes } from '../topology/core/ops/index.ts';
import type { OptionDeclarations } from '../topology/core/ops/index.ts';
import { REFERENCE_END, REFERENCE_START, renderConfigReference, spliceReference } from './config-reference-table.ts';

const options = defineOptions({
  write: { type: 'string', placeholder: 'file', description: `Replace the text between the markers in this file (${REFERENCE_START} ... ${REFERENCE_END}).` },
  check: { type: 'string', placeholder: 'file', description: 'Exit 1 when the reference in this file is not what would be generated.' },
  headingLevel: { type: 'int', min: 1, max: 6, default: 3, description: 'Markdown heading level of each group.' },
});

const { values, positionals } = loadConfigOrExit(options, {
  usage: 'dev/config-reference.ts [--write <file> | --check <file>] <module>[#export] ...',
  summary: 'Renders the configuration reference of the given option declaration modules as Markdown.',
});
if (positionals.length === 0) fail('name at least one module with option declarations (e.g. topology/core/ops/kafka/kafka-options.ts)');

const groups: OptionDeclarations[] = [];
for (const spec of positionals) {
  const [path = '', exportName] = spec.split('#');
  const module = (await import(pathToFileURL(isAbsolute(path) ? path : resolve(path)).href)) as Record<string, unknown>;
  const names = exportName === undefined ? exportsInSourceOrder(path, module) : [exportName];
  if (names.length === 0) fail(`${path} exports no option declarations`);
  for (const name of names) {
    const candidate = module[name];
    if (!isDeclarations(candidate)) fail(`${path}#${name} is not a group of option declarations`);
    groups.push(candidate);
  }
}

const reference = renderConfigReference(groups, { headingLevel: values.headingLevel });
const target = values.write ?? values.check;
if (target === undefined) {
  process.stdout.write(reference);
} else {
  const current = readFileSync(target, 'utf8');
  const next = spliceReference(current, reference);
  if (next === undefined) fail(`${target} has no reference markers; add the lines\n${REFERENCE_START}\n${REFERENCE_END}`);
  if (values.check !== undefined) {
    if (next !== current) fail(`${target}: the configuration reference is out of date; run dev/config-reference.ts --write ${target} ...`);
  } else if (next !== current) {
    writeFileSync(target, next);
  }
}

function fail(message: string): never {
  process.stderr.write(`dev/config-reference.ts: ${message}\n`);
  process.exit(values.check !== undefined ? 1 : 2);
}

function isDeclarations(value: unknown): value is OptionDeclarations {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.values(value as Record<string, unknown>);
  return entries.length > 0 && entries.every((entry) => typeof entry === 'object' && entry !== null
    && (OptionTypes as readonly unknown[]).includes((entry as { type?: unknown }).type) && typeof (entry as { description?: unknown }).description === 'string');
}

/** Module namespaces list exports alphabetically; the source says the order the author meant. */
function exportsInSourceOrder(path: string, module: Record<string, unknown>): string[] {
  const source = readFileSync(path, 'utf8');
  return Object.keys(module)
    .filter((name) => isDeclarations(module[name]))
    .sort((a, b) => source.search(new RegExp(`export const ${a}\\b`)) - source.search(new RegExp(`export const ${b}\\b`)));
}
