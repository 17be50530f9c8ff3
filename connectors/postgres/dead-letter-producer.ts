// Sends the records a mapping rejected to the DLQ topic and resolves only when the broker
// has them (acks=all, idempotent). Called inside the batch's database transaction, before
// COMMIT: a record is never skipped without being in the DLQ. After a crash between the
// ack and COMMIT the batch is redone and the entry sent again: consumers of the DLQ can
// drop such duplicates by (kalibra.source.topic, partition, offset, kalibra.sink.connector).
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { kafkaErrorReasons, type KafkaConnectionOptions } from '../../topology/core/ops/index.ts';
import { deadLetterRecord } from '../../topology/index.ts';
import type { DeadLetter } from './batch.ts';
import { SinkError } from './errors.ts';

/** Added to every DLQ record the sink writes, so the calibrator's entries for the same record can be told apart. */
export const SINK_CONNECTOR_HEADER = 'kalibra.sink.connector';

export class DeadLetterProducer {
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #connector: string;

  constructor(options: { kafka: KafkaConnectionOptions; topic: string; connector: string }) {
    this.#producer = new Producer({ ...options.kafka, clientId: `${options.kafka.clientId}-dlq`, idempotent: true, acks: ProduceAcks.ALL });
    this.#topic = options.topic;
    this.#connector = options.connector;
  }

  async send(deadLetters: readonly DeadLetter[]): Promise<void> {
    const messages = deadLetters.map(({ record, error }) => {
      const out = deadLetterRecord(this.#topic, record, error);
      const headers = new Map<Buffer, Buffer>();
      for (const [name, value] of out.headers ?? []) headers.set(Buffer.from(name), value);
      headers.set(Buffer.from(SINK_CONNECTOR_HEADER), Buffer.from(this.#connector));
      return {
        topic: out.topic, key: out.key ?? undefined, value: out.value ?? undefined,
        headers, timestamp: out.timestamp,
      };
    });
    try {
      await this.#producer.send({ messages });
    } catch (error) {
      throw new SinkError('DEAD_LETTER_FAILED', `could not write ${messages.length} record(s) to ${this.#topic}${kafkaErrorReasons(error)}`,
        { cause: error, retryable: true });
    }
  }

  async close(): Promise<void> {
    await this.#producer.close();
  }
}
