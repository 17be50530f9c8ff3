// The optional Kafka Connect worker (`up --connect`): dev/connect/connect-up starts it against
// the stack's broker; `down` stops its process group when `up` started it.
import { accessSync, constants, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasMarker, removeMarker, touchMarker } from './markers.ts';
import { fail, log } from './output.ts';
import { killGroup, run, runningPid, terminateGroup } from './processes.ts';
import type { StackSettings } from './settings.ts';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function connectUp(settings: StackSettings): void {
  const connectUpScript = join(settings.root, 'dev', 'connect', 'connect-up');
  if (!executable(connectUpScript)) fail('Kafka Connect support is not installed in this checkout (dev/connect/connect-up)');
  const env = {
    ...settings.env,
    KALIBRA_DEV_DIR: settings.devDir, KALIBRA_CACHE_DIR: settings.cacheDir, KAFKA_BROKERS: `127.0.0.1:${settings.kafkaPort}`,
  };
  if (!run(connectUpScript, [], { env })) fail('Kafka Connect did not start (see above)');
  touchMarker(settings.devDir, 'connect');
}

export async function connectDown(settings: StackSettings): Promise<void> {
  const { devDir } = settings;
  const pidFile = join(devDir, 'connect.pid');
  if (!hasMarker(devDir, 'connect') || !existsSync(pidFile)) return;
  const pid = runningPid(pidFile);
  if (pid !== undefined) {
    log(`stopping Kafka Connect (pid ${pid})`);
    await terminateGroup(pid);
    // Whatever is left of the worker's group (it may have outlived its leader).
    killGroup(pid);
  }
  rmSync(pidFile, { force: true });
  removeMarker(devDir, 'connect');
}
