// Kafka clients of the secure stack's users (bin/dev-stack up --secure), for showing what the
// broker refuses: each attempt returns the text of every error it produced (the broker's error
// ids, e.g. TOPIC_AUTHORIZATION_FAILED, and messages), never the password.
import { readFileSync } from 'node:fs';
import { Consumer, Producer, type BaseOptions } from '@platformatic/kafka';
import { caFile, passwordFile } from '../../dev/stack/secure.ts';
import type { StackSettings } from '../../dev/stack/settings.ts';
import { uniqueName } from './stack.ts';

/** The connection of `user`: TLS with the stack's CA (or the system's only) and SCRAM-SHA-512 with its password file. */
export function secureClientOptions(settings: StackSettings, user: string, options: { trustSystemOnly?: boolean } = {}): BaseOptions {
  const password = readFileSync(passwordFile(settings, user), 'utf8').trim();
  return {
    clientId: uniqueName(`refusal-${user}`),
    bootstrapBrokers: [`127.0.0.1:${settings.kafkaPort}`],
    tls: options.trustSystemOnly ? {} : { ca: readFileSync(caFile(settings)) },
    sasl: { mechanism: 'SCRAM-SHA-512', username: user, password: () => password },
    retries: 0,
  };
}

/** Every error id and message in a @platformatic/kafka error tree (errors and causes), one per line. */
export function errorText(error: unknown): string {
  const lines: string[] = [];
  const walk = (e: unknown): void => {
    if (!(e instanceof Error)) {
      lines.push(String(e));
      return;
    }
    const apiId = (e as Error & { apiId?: unknown }).apiId;
    lines.push(typeof apiId === 'string' ? `${apiId}: ${e.message}` : e.message);
    if (e instanceof AggregateError) e.errors.forEach(walk);
    if (e.cause !== undefined) walk(e.cause);
  };
  walk(error);
  return lines.join('\n');
}

export interface Attempt {
  /** Produce one record to this topic (in a transaction with this id, if set). */
  produce?: string;
  transactionalId?: string;
  /** Consume this topic in `group`. */
  consume?: string;
  group?: string;
  trustSystemOnly?: boolean;
}

/** Tries what `attempt` says as `user`; returns the error text, or fails if the broker allowed it. */
export async function kafkaRefusal(settings: StackSettings, user: string, attempt: Attempt): Promise<string> {
  const connection = secureClientOptions(settings, user, attempt);
  if (attempt.produce !== undefined) {
    const producer = new Producer({ ...connection, idempotent: attempt.transactionalId !== undefined, transactionalId: attempt.transactionalId });
    try {
      const messages = [{ topic: attempt.produce, key: Buffer.from('refusal'), value: Buffer.from('{}') }];
      if (attempt.transactionalId === undefined) await producer.send({ messages });
      else {
        const transaction = await producer.beginTransaction();
        await transaction.send({ messages });
        await transaction.commit();
      }
    } catch (error) {
      return errorText(error);
    } finally {
      await producer.close().catch(() => undefined);
    }
    throw new Error(`${user} was allowed to produce to ${attempt.produce}`);
  }
  const consumer = new Consumer({ ...connection, groupId: attempt.group ?? uniqueName('refusal'), maxWaitTime: 200 });
  try {
    const stream = await consumer.consume({ topics: [attempt.consume!], mode: 'earliest', autocommit: false });
    // Joining may succeed lazily; the refusal then arrives as a stream error.
    const refused = await new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => { resolve(undefined); }, 10_000);
      stream.once('error', (error: unknown) => { clearTimeout(timer); resolve(error); });
    });
    await stream.close().catch(() => undefined);
    if (refused !== undefined) return errorText(refused);
  } catch (error) {
    return errorText(error);
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
  throw new Error(`${user} was allowed to consume ${attempt.consume} in group ${attempt.group ?? '(a random group)'}`);
}
