// bin/sink --mapping raw|calibrated: the exactly-once Kafka → Postgres sink. Parse
// flags and environment (exit 2 on bad arguments, --help lists them all), run the sink;
// the process then lives until SIGTERM/SIGINT, and exits 0 after a clean stop.
import { loadConfigOrExit } from '../../topology/core/ops/index.ts';
import { sinkCommandOptions } from './sink-command-options.ts';

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const config = loadConfigOrExit(sinkCommandOptions, {
    usage: 'bin/sink --mapping raw|calibrated [options]',
    summary: 'Writes one topic to Postgres exactly once: rows and the Kafka offsets they came from commit in one transaction.',
  });
  // Loaded only now: --help and argument errors never load the Kafka client or pg.
  if (config.values.migrateOnly) {
    const { runMigrationsOnly } = await import('./migrate-only.ts');
    process.exitCode = await runMigrationsOnly(config.values, config.secrets);
    return;
  }
  const { runSink } = await import('./run-sink.ts');
  await runSink(config.values, config.secrets);
}
