// The broker: Apache Kafka (KRaft, one node) run from its jars on Maven Central (fetched once
// with dev/kafka/pom.xml into a cache keyed on that pom), data and logs in the dev dir.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { touchMarker } from './markers.ts';
import { fail, log, tailToStderr } from './output.ts';
import { onPath, output, portOpen, run, runningPid, stopStarted } from './processes.ts';
import { kafkaVersion, type StackSettings } from './settings.ts';

/** Fetches the broker's jars into settings.kafkaLibs unless a complete copy is there. */
export function fetchKafka(settings: StackSettings): void {
  const libs = settings.kafkaLibs;
  if (existsSync(join(libs, '.complete'))) return;
  if (!onPath('mvn')) fail('Maven (mvn) is required to fetch the Kafka jars; install it (apt-get install maven).');
  if (!onPath('java')) fail('Java 17+ is required to run Kafka; install it (apt-get install openjdk-17-jre-headless).');
  log(`fetching Apache Kafka ${kafkaVersion} jars from Maven Central (once)`);
  rmSync(libs, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  const pom = join(settings.root, 'dev', 'kafka', 'pom.xml');
  if (!run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], { stdio: ['inherit', 2, 2] })) {
    fail('mvn could not fetch the Kafka jars (see above)');
  }
  writeFileSync(join(libs, '.complete'), '');
}

/** The JVM options and class path every Kafka tool and the broker run with. */
export function javaArgs(settings: StackSettings, mainClass: string, args: readonly string[]): string[] {
  return [
    '-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(settings.root, 'dev', 'kafka', 'log4j2.yaml')}`,
    '-cp', `${settings.kafkaLibs}/*`, mainClass, ...args,
  ];
}

/** dev/kafka/server.properties with its @KAFKA_PORT@, @CONTROLLER_PORT@ and @DATA_DIR@ filled in. */
export function renderServerProperties(template: string, values: { kafkaPort: string; controllerPort: string; dataDir: string }): string {
  return fillTemplate(template, { KAFKA_PORT: values.kafkaPort, CONTROLLER_PORT: values.controllerPort, DATA_DIR: values.dataDir });
}

/** The template with each `@NAME@` replaced by values[NAME]. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return Object.entries(values).reduce((text, [name, value]) => text.replaceAll(`@${name}@`, value), template);
}

function formatStorage(settings: StackSettings, props: string): void {
  const clusterId = output('java', javaArgs(settings, 'kafka.tools.StorageTool', ['random-uuid']));
  if (!clusterId) fail('could not make a Kafka cluster id (kafka.tools.StorageTool random-uuid)');
  log(`formatting Kafka storage (cluster ${clusterId})`);
  const formatLog = join(settings.devDir, 'logs', 'kafka-format.log');
  const fd = openSync(formatLog, 'w');
  let formatted: boolean;
  try {
    formatted = run('java', javaArgs(settings, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', props]), { stdio: ['inherit', fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (!formatted) {
    tailToStderr(formatLog);
    fail('kafka storage format failed');
  }
}

export async function kafkaUp(settings: StackSettings): Promise<void> {
  fetchKafka(settings);
  const { devDir, kafkaPort } = settings;
  const pidFile = join(devDir, 'kafka.pid');
  const running = runningPid(pidFile);
  if (running !== undefined) {
    log(`kafka already running (pid ${running})`);
    return;
  }
  if (await portOpen(kafkaPort)) {
    log(`something already listens on 127.0.0.1:${kafkaPort}; using it as the broker`);
    return;
  }
  const dataDir = join(devDir, 'kafka-data');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(devDir, 'logs'), { recursive: true });
  const props = join(devDir, 'kafka-server.properties');
  const template = readFileSync(join(settings.root, 'dev', 'kafka', 'server.properties'), 'utf8');
  writeFileSync(props, renderServerProperties(template, { kafkaPort, controllerPort: settings.controllerPort, dataDir }));
  if (!existsSync(join(dataDir, 'meta.properties'))) formatStorage(settings, props);
  log(`starting Kafka on 127.0.0.1:${kafkaPort}`);
  startBroker(settings, props);
}

/** Starts the broker on `props` in the background (log in logs/kafka.log), with a pid file and the `kafka` marker. */
export function startBroker(settings: StackSettings, props: string): void {
  const { devDir } = settings;
  // detached: the broker leads its own process group (setsid), so `down` can stop it and nothing else.
  const logFd = openSync(join(devDir, 'logs', 'kafka.log'), 'w');
  const broker = spawn('java', javaArgs(settings, 'kafka.Kafka', [props]), { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  broker.on('error', () => undefined);
  broker.unref();
  if (broker.pid === undefined) fail('could not start java for the broker');
  writeFileSync(join(devDir, 'kafka.pid'), `${broker.pid}\n`);
  touchMarker(devDir, 'kafka');
}

export async function kafkaDown(settings: StackSettings): Promise<void> {
  await stopStarted(settings.devDir, 'kafka', 'Kafka');
}
