// The optional Kafka Connect worker (`up --connect`): dev/connect/connect-up starts it against
// the stack's broker, then Connect mode is set up on it (topics, tables, both JDBC sink
// connectors: connect-mode.ts); `down` stops its process group when `up` started it.
import { join } from 'node:path';
import { connectModeUp } from './connect-mode.ts';
import { touchMarker } from './markers.ts';
import { fail, reasonOf } from './output.ts';
import { executable, run, stopStarted } from './processes.ts';
import type { StackSettings } from './settings.ts';

export async function connectUp(settings: StackSettings): Promise<void> {
  const connectUpScript = join(settings.root, 'dev', 'connect', 'connect-up');
  if (!executable(connectUpScript)) fail('Kafka Connect support is not installed in this checkout (dev/connect/connect-up)');
  const env = {
    ...settings.env,
    KALIBRA_DEV_DIR: settings.devDir, KALIBRA_CACHE_DIR: settings.cacheDir, KAFKA_BROKERS: `127.0.0.1:${settings.kafkaPort}`,
  };
  if (!run(connectUpScript, [], { env })) fail('Kafka Connect did not start (see above)');
  touchMarker(settings.devDir, 'connect');
  try {
    await connectModeUp(settings);
  } catch (error) {
    fail(`Connect mode could not be set up on the worker: ${reasonOf(error)}`);
  }
}

export async function connectDown(settings: StackSettings): Promise<void> {
  await stopStarted(settings.devDir, 'connect', 'Kafka Connect');
}
