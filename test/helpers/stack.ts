// The shared test harness for integration tests: connection settings for the local
// stack, unique names per test, topics that delete themselves, and waiting by condition
// with a deadline (never by sleeping a guessed amount).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import pg from 'pg';
import { onTestFinished } from 'vitest';

export const brokers = (): string[] => (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const databaseUrl = (): string => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/kalibra';

/** A name no other test (or earlier run) uses: `<prefix>-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export interface TopicSpec {
  partitions?: number;
  configs?: Record<string, string>;
}

/** Creates topics for this test and deletes them when the test finishes. */
export async function createTopics(names: string[], spec: TopicSpec = {}): Promise<void> {
  const admin = new Admin({ clientId: uniqueName('test-admin'), bootstrapBrokers: brokers() });
  try {
    await admin.createTopics({
      topics: names,
      partitions: spec.partitions ?? 1,
      replicas: 1,
      configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
    });
  } finally {
    await admin.close();
  }
  onTestFinished(async () => {
    const cleanup = new Admin({ clientId: uniqueName('test-admin'), bootstrapBrokers: brokers() });
    try {
      await cleanup.deleteTopics({ topics: names });
    } catch {
      // already gone: nothing to clean
    } finally {
      await cleanup.close();
    }
  });
}

/** A pg client for this test, closed when the test finishes. */
export async function pgClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  onTestFinished(async () => { await client.end(); });
  return client;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/** Polls `condition` until it returns a value other than undefined/false, or fails at the deadline. */
export async function waitFor<T>(condition: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${options.message ?? 'a condition'}${why}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

let libsDir: string | undefined;
/** The directory of the Kafka 4.3.1 jars bin/dev-stack uses, for Java verifiers (`java -cp '<dir>/*'`). */
export function kafkaLibs(): string {
  libsDir ??= execFileSync(join(process.cwd(), 'bin', 'dev-stack'), ['libs'], { encoding: 'utf8' }).trim();
  return libsDir;
}
