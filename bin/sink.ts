// bin/sink --mapping raw|calibrated: the exactly-once Kafka → Postgres sink. Thin: parse
// flags and environment, run the library, exit 0 after a clean stop, 2 on bad arguments.
import { isKalibraError } from '../topology/core/errors.js';
import { parseSinkConfig, sinkHelp } from '../connectors/postgres/sink-config.js';
import { runSink } from '../connectors/postgres/run-sink.js';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(sinkHelp());
  process.exit(0);
}
let config;
try {
  config = parseSinkConfig(argv, process.env);
} catch (error) {
  process.stderr.write(`bin/sink: ${(error as Error).message}\n`);
  process.exit(2);
}
try {
  const running = await runSink(config);
  await running.stopped;
  process.exit(0);
} catch (error) {
  const code = isKalibraError(error) ? ` [${error.code}]` : '';
  process.stderr.write(`bin/sink: ${(error as Error).message}${code}\n`);
  process.exit(1);
}
