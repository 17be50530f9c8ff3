// How a finished batch becomes durable. exactly_once: one Kafka transaction holding the outputs
// and the consumed offsets (sent with the group's generation, so a stale member is fenced).
// at_least_once: produce, then commit offsets. Neither retries on its own: the runtime decides.
import type { TransactionBatch } from './transaction-batch.ts';
import { chunkBySize } from './transaction-batch.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';
import type { RuntimeProducer } from './runtime-producer.ts';
import { toProducerMessage } from './runtime-producer.ts';

/** Below the broker's default message.max.bytes (1 MiB), with room for batch overhead. */
const MAX_SEND_BYTES = 512 * 1024;

export interface Committer {
  /** Exactly once: registers the transactional id, which aborts a crashed predecessor's transaction. */
  prepare(producer: RuntimeProducer): Promise<void>;
  commit(producer: RuntimeProducer, consumer: RuntimeConsumer, batch: TransactionBatch): Promise<void>;
}

async function sendAll(send: (messages: ReturnType<typeof toProducerMessage>[]) => Promise<unknown>, batch: TransactionBatch): Promise<void> {
  for (const chunk of chunkBySize(batch.outputs, MAX_SEND_BYTES)) await send(chunk.map(toProducerMessage));
}

export const exactlyOnceCommitter: Committer = {
  async prepare(producer) {
    // beginTransaction runs InitProducerId; cancel only drops the local transaction (no request).
    const tx = await producer.beginTransaction();
    await tx.cancel();
  },
  async commit(producer, consumer, batch) {
    const tx = await producer.beginTransaction();
    try {
      await sendAll((messages) => tx.send({ messages }), batch);
      if (batch.lastByPartition.size > 0) {
        await tx.addConsumer(consumer);
        // One TxnOffsetCommit per partition, strictly one after another: the client
        // deduplicates concurrent calls of the same operation into one request.
        for (const message of batch.lastByPartition.values()) await tx.addOffset(message);
      }
      await tx.commit();
    } catch (error) {
      if (!tx.completed) await tx.abort().catch(() => tx.cancel().catch(() => undefined));
      throw error;
    }
  },
};

export const atLeastOnceCommitter: Committer = {
  async prepare() {
    // Nothing to register: the idempotent producer initialises on its first send.
  },
  async commit(producer, _consumer, batch) {
    await sendAll((messages) => producer.send({ messages }), batch);
    for (const message of batch.lastByPartition.values()) await message.commit();
  },
};
