// Test helpers for the whole pipeline (bin/sink raw + bin/calibrator + bin/sink calibrated):
// spawning any bin/ command as a child process, finding its ops port, reading a topic with an
// independent read_committed consumer, read_committed end offsets and group membership through
// the admin API, and reading one Prometheus sample. None of it goes through the code under test.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import { onTestFinished } from 'vitest';
import { brokers, uniqueName, waitFor } from './stack.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface PipelineProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Spawns `bin/<command>` with the environment on top of the test's (never secrets as flags); SIGKILLed at test end if still running. */
export function spawnBin(command: string, args: string[], env: Record<string, string>): PipelineProcess {
  const child = spawn(join(repoRoot, 'bin', command), args, {
    cwd: repoRoot, env: { ...process.env, KALIBRA_HTTP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code); }); });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, output: () => output, exited };
}

/** The ops port the process logged (KALIBRA_HTTP_PORT=0 picks one). */
export async function opsPort(proc: PipelineProcess): Promise<number> {
  const match = await waitFor(() => /"msg":"ops server listening".*?"port":(\d+)/.exec(proc.output()) ?? undefined,
    { timeoutMs: 60_000, message: `the ops port in:\n${proc.output().slice(-1_000)}` });
  return Number(match[1]);
}

/** Waits for the process's `"msg":"started"` line. */
export async function started(proc: PipelineProcess, what: string): Promise<void> {
  await waitFor(() => {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited ${proc.child.exitCode}:\n${proc.output().slice(-2_000)}`);
    return proc.output().includes('"msg":"started"');
  }, { timeoutMs: 60_000, message: `${what} to start` });
}

/** The value of one Prometheus sample (`name{labels}`), 0 when absent. */
export async function metricValue(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const have = new Map<string, string>([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) total += Number(match[3]);
  }
  return total;
}

export interface CollectedRecord {
  key: string;
  value: string | null;
  partition: number;
  offset: bigint;
  headers: Record<string, string>;
}

export interface TopicReader {
  readonly records: CollectedRecord[];
}

/** An independent read_committed consumer (own group) that collects every record of `topic` from the start. */
export async function readCommitted(topic: string): Promise<TopicReader> {
  const consumer = new Consumer({
    groupId: uniqueName('pipeline-reader'), clientId: uniqueName('pipeline-reader'), bootstrapBrokers: brokers(),
    isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: 200,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  onTestFinished(async () => { await stream.close(); await consumer.close(); });
  const records: CollectedRecord[] = [];
  stream.on('data', (m: Message) => {
    records.push({
      key: m.key?.toString() ?? '',
      value: m.value == null || m.value.length === 0 ? null : m.value.toString(),
      partition: m.partition,
      offset: m.offset,
      headers: Object.fromEntries([...m.headers].map(([k, v]) => [k.toString(), v.toString()])),
    });
  });
  return { records };
}

/** Last stable offsets (read_committed end offsets) of every partition, summed. */
export async function committedEnd(topic: string, partitions: number): Promise<number> {
  const admin = new Admin({ clientId: uniqueName('test-admin'), bootstrapBrokers: brokers() });
  try {
    const listed = await admin.listOffsets({
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
    });
    return listed.flatMap((t) => t.partitions).reduce((sum, p) => sum + Number(p.offset), 0);
  } finally {
    await admin.close();
  }
}

/** Members of a consumer group right now. */
export async function groupMembers(groupId: string): Promise<number> {
  const admin = new Admin({ clientId: uniqueName('test-admin'), bootstrapBrokers: brokers() });
  try {
    const groups = await admin.describeGroups({ groups: [groupId] });
    return groups.get(groupId)?.members.size ?? 0;
  } finally {
    await admin.close();
  }
}

/** A temporary directory removed when the test finishes. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  onTestFinished(() => { rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

/** Resolves with the exit code, or fails if the process is still running after `graceMs`. */
export async function exitWithin(proc: PipelineProcess, graceMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => { resolve('late'); }, graceMs); });
  const outcome = await Promise.race([proc.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') throw new Error(`still running ${graceMs} ms after the signal:\n${proc.output().slice(-2_000)}`);
  return outcome;
}
