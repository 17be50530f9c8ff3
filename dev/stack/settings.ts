// Where the stack lives and which ports it uses, from the environment (an empty variable
// counts as unset, as in a shell's ${VAR:-default}).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const kafkaVersion = '4.3.1';

/** The checkout this module belongs to (dev/stack/ is two levels down). */
export const checkoutRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StackSettings {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  /** KALIBRA_DEV_DIR: data, logs, pid files and the `started/` markers. */
  readonly devDir: string;
  /** KALIBRA_CACHE_DIR: the Kafka (and Connect) jars. */
  readonly cacheDir: string;
  /** The jars of the broker, keyed on dev/kafka/pom.xml so a change of dependencies never runs stale jars. */
  readonly kafkaLibs: string;
  readonly kafkaPort: string;
  readonly controllerPort: string;
  readonly pgPort: string;
  /** DATABASE_URL when set: that Postgres is used and nothing is looked for. */
  readonly databaseUrl: string | undefined;
}

/** The value of a variable, or undefined when it is unset or empty. */
export function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function stackSettings(env: NodeJS.ProcessEnv, root: string = checkoutRoot): StackSettings {
  const cacheDir = setting(env, 'KALIBRA_CACHE_DIR')
    ?? join(setting(env, 'XDG_CACHE_HOME') ?? join(setting(env, 'HOME') ?? homedir(), '.cache'), 'kalibra');
  const pomHash = createHash('sha256').update(readFileSync(join(root, 'dev', 'kafka', 'pom.xml'))).digest('hex').slice(0, 12);
  return {
    root,
    env,
    devDir: setting(env, 'KALIBRA_DEV_DIR') ?? join(root, '.dev'),
    cacheDir,
    kafkaLibs: join(cacheDir, `kafka-${kafkaVersion}-${pomHash}`, 'libs'),
    kafkaPort: setting(env, 'KAFKA_PORT') ?? '9092',
    controllerPort: setting(env, 'KAFKA_CONTROLLER_PORT') ?? '9093',
    pgPort: setting(env, 'KALIBRA_PG_PORT') ?? '5432',
    databaseUrl: setting(env, 'DATABASE_URL'),
  };
}

/** The Postgres the stack's commands use: DATABASE_URL, else the database `kalibra` on the port. */
export function databaseUrl(settings: StackSettings): string {
  return settings.databaseUrl ?? `postgres://postgres@127.0.0.1:${settings.pgPort}/kalibra`;
}
