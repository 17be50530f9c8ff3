// Creates the runtime's one producer per instance. Under exactly_once it is transactional with
// the STABLE id `${applicationId}-${instanceId}`, and asks the broker for a fresh producer id
// (client-workarounds.ts: @platformatic/kafka 1.35 and 2.12 otherwise send 0/0, which the broker
// refuses with PRODUCER_FENCED once the id has been used before). Never shared between instances.
import { Producer } from '@platformatic/kafka';
import type { MessageToProduce } from '@platformatic/kafka';
import { clientAddPartitionsToTxn, freshProducerIdentity } from '../client-workarounds.ts';
import { javaCompatiblePartitioner } from '../partitioning.ts';
import type { OutputRecord } from '../task.ts';
import { isKafkaError } from './kafka-errors.ts';
import { clientConnection } from './options.ts';
import type { ResolvedRuntimeOptions } from './options.ts';

export type RuntimeProducer = Producer<Buffer, Buffer, string, Buffer>;

export function createRuntimeProducer(options: ResolvedRuntimeOptions): RuntimeProducer {
  const transactional = options.processingGuarantee === 'exactly_once';
  return clientAddPartitionsToTxn(new Producer<Buffer, Buffer, string, Buffer>({
    clientId: `${options.connection.clientId ?? options.applicationId}-${options.instanceId}-producer`,
    bootstrapBrokers: options.brokers,
    ...clientConnection(options.connection),
    idempotent: true,
    ...(transactional ? { transactionalId: options.transactionalId } : {}),
    ...freshProducerIdentity,
    // The client sends `timeout` as InitProducerId's transaction_timeout_ms: it is both the
    // request timeout and how long the broker keeps an abandoned transaction open.
    timeout: options.transactionTimeoutMs,
    // Java's partitioner, so a key lands where a Java producer or Kafka Streams would put it
    // (an output with an explicit partition keeps it); partitionKey picks the hashed part.
    partitioner: javaCompatiblePartitioner(options.partitionKey),
    retryDelay: retryDelayMs,
    serializers: { headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key)) },
  }));
}

/**
 * The broker answers CONCURRENT_TRANSACTIONS while the previous transaction's markers are still
 * being written, which is normal right after a commit; the client's default 1 s retry delay
 * would then cost a second per transaction. Retry that one quickly, back off for the rest.
 */
function retryDelayMs(_client: unknown, _operation: string, attempt: number, _retries: number, error: Error): number {
  if (isKafkaError(error, 'CONCURRENT_TRANSACTIONS')) return Math.min(20 * attempt, 200);
  return Math.min(100 * 2 ** attempt, 2_000);
}

export function toProducerMessage(output: OutputRecord): MessageToProduce<Buffer, Buffer, string, Buffer> {
  // Once per output: assignments, not spreads of temporary objects. Absent fields stay absent.
  // A tombstone: the client writes a null value as length -1 (the type does not admit null).
  const message: MessageToProduce<Buffer, Buffer, string, Buffer> = { topic: output.topic, value: output.value as Buffer };
  if (output.key !== null) message.key = output.key;
  if (output.headers !== undefined) message.headers = output.headers;
  if (output.partition !== undefined) message.partition = output.partition;
  if (output.timestamp !== undefined) message.timestamp = output.timestamp;
  return message;
}
