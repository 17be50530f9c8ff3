// The `--help` text of a command, generated from its option declarations so it cannot drift
// from what the command actually reads. Pure: returns a string, prints nothing.
import { groupedFacts } from './describe-option.ts';
import type { OptionDeclarations } from './option.ts';

export interface HelpOptions {
  /** First line, e.g. `bin/calibrator [options]`. */
  usage: string;
  /** A paragraph on what the command does. */
  summary?: string;
  /** Extra text after the options (examples, exit codes). */
  epilog?: string;
}

const WIDTH = 100;
const INDENT = '      ';

export function renderHelp(declarations: OptionDeclarations, options: HelpOptions): string {
  const lines = [`Usage: ${options.usage}`, ''];
  if (options.summary !== undefined) lines.push(options.summary, '');
  for (const [group, facts] of groupedFacts(declarations)) {
    lines.push(`${group}:`);
    for (const fact of facts) {
      const env = fact.env === '' ? '' : `  [env ${fact.env}]`;
      const tail = fact.required ? '  (required)' : fact.defaultText === undefined ? '' : `  (default: ${fact.defaultText})`;
      lines.push(`  ${fact.flag}${env}${tail}`);
      lines.push(...wrap(fact.description, WIDTH - INDENT.length).map((line) => INDENT + line));
    }
    lines.push('');
  }
  lines.push('  -h, --help  show this help and exit', '');
  if (options.epilog !== undefined) lines.push(options.epilog, '');
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
