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

/** Every committed record of `topic`, from the beginning, as the Java client sees it. */
export function readCommittedWithJava(options: ConsoleConsumerOptions): Promise<ConsoleRecord[]> {
  const args = [
    '-Xmx256m', `-Dlog4j2.configurationFile=${join(root, 'dev', 'verify', 'log4j2-stderr.yaml')}`,
    '-cp', `${options.libsDir ?? kafkaLibs()}/*`,
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server', options.brokers,
    '--topic', options.topic,
    '--from-beginning',
    '--isolation-level', 'read_committed',
    '--formatter-property', 'print.key=true',
    '--formatter-property', 'key.separator=\t',
    '--timeout-ms', String(options.idleTimeoutMs ?? 10_000),
  ];
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
      const lines = Buffer.concat(out).toString('utf8').split('\n').filter((line) => line.length > 0);
      resolve(lines.map((line) => {
        const tab = line.indexOf('\t');
        return { key: line.slice(0, tab), value: line.slice(tab + 1) };
      }));
    });
  });
}
