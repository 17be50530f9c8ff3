// bin/demo (`npm run demo`): the whole pipeline on the local stack with a live view, or
// --headless for a fixed --duration. Parse, run the demo (run-demo.ts), print.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaConnectionOptions, loadConfigOrExit, parseTimeSpec } from '../../topology/core/ops/index.ts';
import { demoCommandOptions } from './demo-options.ts';

/** The command, as bin/ runs it: reads process.argv and the environment, sets the exit code. */
export async function main(): Promise<void> {
  const { values } = loadConfigOrExit(demoCommandOptions, {
    usage: 'bin/demo [options]   (npm run demo -- [options])',
    summary: 'Runs the whole pipeline on the local stack: bin/dev-stack up, bin/topics apply, the raw sink, the calibrated sink and the calibrator '
      + '(logs in .dev/logs/), the simulator (a back-fill, then live), and a live view of every sensor and of throughput, latency and the DLQ. '
      + 'Ctrl-C stops everything.',
    epilog: 'Example: npm run demo -- --headless --duration 20s   (what the integration test runs)',
  });
  if (values.backfill !== 'none') {
    try {
      parseTimeSpec(values.backfill, Date.now(), '--backfill');
    } catch (error) {
      process.stderr.write(`bin/demo: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    }
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    if (++interrupts === 1) { process.stderr.write('\nstopping: SIGTERM to every child, waiting for each…\n'); controller.abort(); return; }
    // A second Ctrl-C: do not wait (the exit handler in runDemo kills the children).
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const say = (line: string): void => { process.stderr.write(`[demo] ${line}\n`); };
  // Loaded only now: --help and argument errors never load the Kafka client or pg.
  const { runDemo } = await import('./run-demo.ts');
  const { recalibrationHint } = await import('./recalibration-hint.ts');
  try {
    const summary = await runDemo({
      config: values,
      root,
      env: process.env,
      kafka: await kafkaConnectionOptions(values, { defaultClientId: 'kalibra-demo' }),
      databaseUrl: values.databaseUrl.reveal(),
      signal: controller.signal,
      draw: (lines) => process.stdout.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`),
      say,
    });
    if (values.headless) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(`\n${recalibrationHint(values.backfill).join('\n')}\n`);
  } catch (error) {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
