// The edge every bin/<cmd>.ts shares: parse the config, print --help and exit 0, or print one
// clear line on stderr and exit 2 on bad arguments (the brief's convention). The logic lives
// in parseConfig; this only decides what to print and which exit code to use.
import { isKalibraError } from '../../errors.ts';
import type { OptionDeclarations } from './option.ts';
import { parseConfig } from './parse-config.ts';
import type { ParseConfigOptions, ParsedConfig } from './parse-config.ts';
import { renderHelp } from './help.ts';
import type { HelpOptions } from './help.ts';

export const USAGE_EXIT_CODE = 2;

export interface CommandLineOptions extends HelpOptions, ParseConfigOptions {
  /** Where help goes; default process.stdout. */
  out?: { write(text: string): unknown };
  /** Where the error line goes; default process.stderr. */
  err?: { write(text: string): unknown };
  /** Default process.exit. */
  exit?: (code: number) => never;
}

export type LoadedConfig<Ds extends OptionDeclarations> = Extract<ParsedConfig<Ds>, { help: false }>;

/** Returns the parsed config, or ends the process (help: 0, bad arguments: 2). */
export function loadConfigOrExit<const Ds extends OptionDeclarations>(declarations: Ds, options: CommandLineOptions): LoadedConfig<Ds> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let parsed: ParsedConfig<Ds>;
  try {
    parsed = parseConfig(declarations, options);
  } catch (error) {
    if (!isKalibraError(error)) throw error;
    const command = options.usage.split(' ')[0] ?? 'command';
    err.write(`${command}: ${error.message} (see --help)\n`);
    return exit(USAGE_EXIT_CODE);
  }
  if (parsed.help) {
    out.write(renderHelp(declarations, options));
    return exit(0);
  }
  return parsed;
}
