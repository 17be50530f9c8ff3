// bin/profiles: validate calibration profiles (for CI), show the version in force for a
// sensor, print the JSON Schema. The logic is profiles-command.ts.
import { runProfilesCommand } from './profiles-command.ts';

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const code = await runProfilesCommand(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: Date.now(),
  });
  process.exitCode = code;
}
