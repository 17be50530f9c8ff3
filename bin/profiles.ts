// bin/profiles: validate calibration profiles (for CI), show the version in force for a
// sensor, print the JSON Schema. Thin: the logic is topology/calibration/profiles-command.ts.
import { runProfilesCommand } from '../app/profiles/profiles-command.ts';

const code = await runProfilesCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  now: Date.now(),
});
process.exitCode = code;
