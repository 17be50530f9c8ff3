// An independent check of what is on a topic: Apache Kafka's own Java console consumer (from the
// Maven jars bin/dev-stack fetched) reads it read_committed. It shares no code with Kalibra or
// @platformatic/kafka, so a bug there cannot hide itself. Never used by production code.
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ConsoleRecord {
  key: string;
  value: string;
}

export interface ConsoleConsumerOptions {
  brokers: string;
  topic: string;
  /** The consumer exits after this long without a new record. */
  idleTimeoutMs?: number;
  libsDir?: string;
}

/** The jars bin/dev-stack runs the broker from (it fetches them if needed). */
function kafkaLibs(): string {
  return execFileSync(join(root, 'bin', 'dev-stack'), ['libs'], { encoding: 'utf8' }).trim();
}

/** A record with where it sits and its headers (header values as UTF-8 text). */
export interface DetailedConsoleRecord extends ConsoleRecord {
  partition: number;
  offset: number;
  headers: Record<string, string>;
}

// Separators no key, value or header of ours contains: ASCII group, record and unit separators.
const FIELD = '\u001d';
const LINE = '\u001e';
const HEADER = '\u001f';

function javaArgs(options: ConsoleConsumerOptions, format: readonly string[]): string[] {
  return [
    '-Xmx256m', `-Dlog4j2.configurationFile=${join(root, 'dev', 'verify', 'log4j2-stderr.yaml')}`,
    '-cp', `${options.libsDir ?? kafkaLibs()}/*`,
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server', options.brokers,
    '--topic', options.topic,
    '--from-beginning',
    '--isolation-level', 'read_committed',
    ...format.flatMap((property) => ['--formatter-property', property]),
    '--timeout-ms', String(options.idleTimeoutMs ?? 10_000),
  ];
}

/** Runs the console consumer to its idle timeout and resolves with everything it printed. */
function runConsoleConsumer(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      // The console consumer exits 0 on its idle timeout; anything else is a failure to read.
      if (code !== 0) {
        reject(new Error(`ConsoleConsumer exited with ${code}: ${err.slice(-2000)}`));
        return;
      }
      resolve(Buffer.concat(out).toString('utf8'));
    });
  });
}

/** Every committed record of `topic`, from the beginning, as the Java client sees it. */
export async function readCommittedWithJava(options: ConsoleConsumerOptions): Promise<ConsoleRecord[]> {
  const printed = await runConsoleConsumer(javaArgs(options, ['print.key=true', 'key.separator=\t']));
  const lines = printed.split('\n').filter((line) => line.length > 0);
  return lines.map((line) => {
    const tab = line.indexOf('\t');
    return { key: line.slice(0, tab), value: line.slice(tab + 1) };
  });
}

/**
 * Every committed record of `topic` with its partition, offset and headers. Keys and values must
 * not contain the ASCII separators U+001D and U+001E (header values may: they sit between
 * fields that are split off from both ends).
 */
export async function readCommittedDetailsWithJava(options: ConsoleConsumerOptions): Promise<DetailedConsoleRecord[]> {
  const printed = await runConsoleConsumer(javaArgs(options, [
    'print.key=true', 'print.partition=true', 'print.offset=true', 'print.headers=true',
    `key.separator=${FIELD}`, `headers.separator=${HEADER}`, `line.separator=${LINE}`,
  ]));
  return printed.split(LINE).filter((line) => line.length > 0).map((line) => {
    // Partition:<p> FIELD Offset:<o> FIELD <headers or NO_HEADERS> FIELD <key> FIELD <value>
    const fields = line.split(FIELD);
    const partition = /^Partition:(\d+)$/.exec(fields[0] ?? '');
    const offset = /^Offset:(\d+)$/.exec(fields[1] ?? '');
    if (partition === null || offset === null || fields.length < 5) {
      throw new Error(`the console consumer printed a line this reader does not understand: ${JSON.stringify(line.slice(0, 300))}`);
    }
    const value = fields.at(-1)!;
    const key = fields.at(-2)!;
    const headerText = fields.slice(2, -2).join(FIELD);
    const headers: Record<string, string> = {};
    if (headerText !== 'NO_HEADERS') {
      for (const header of headerText.split(HEADER)) {
        const colon = header.indexOf(':');
        headers[header.slice(0, colon)] = header.slice(colon + 1);
      }
    }
    return { partition: Number(partition[1]), offset: Number(offset[1]), key, value, headers };
  });
}
