// Publishes the dead letters stored in kalibra_dead_letters to the DLQ topic, each exactly
// once for readers with isolation.level=read_committed (the argument, step by step, is in
// docs/architecture.md, "The sinks' dead letters"):
// - one transactional id per sink (`<group>.dead-letters`): starting a producer with it fences
//   every earlier one and completes or aborts its open transaction;
// - each Kafka transaction holds the dead letters AND a watermark: a transactional offset
//   commit, for the group `<group>.dead-letters`, of "last published source offset + 1" on the
//   source partition. Records and watermark become visible together or not at all;
// - after (re)starting the producer, the watermarks are read back (requireStable), and a stored
//   dead letter below its partition's watermark is known to be published: it is only marked;
// - a dead letter is stored in the transaction that moves the sink's offset past it, and those
//   transactions commit in offset order per partition, so what the publisher sees of a
//   partition is always a prefix: nothing can appear below a watermark later.
// Only the sink that owns partition 0 of the source topic publishes (fencing keeps it correct
// while two of them think so); the rest leave the rows to it.
import { Admin, Consumer, ProduceAcks, Producer } from '@platformatic/kafka';
import type { Message } from '@platformatic/kafka';
import { kafkaErrorReasons } from '../../topology/core/ops/index.ts';
import type { KafkaConnectionOptions } from '../../topology/core/ops/index.ts';
import { clientAddPartitionsToTxn, deadLetterRecord, freshProducerIdentity } from '../../topology/index.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { DatabaseRunner } from './database-runner.ts';
import { markDeadLettersPublished, pendingDeadLetters } from './dead-letters.ts';
import type { StoredDeadLetter } from './dead-letters.ts';
import { SinkError } from './errors.ts';
import type { OffsetsKey } from './offsets-store.ts';
import type { SinkLogger } from './sink-log.ts';

/** Added to every DLQ record the sink writes, so the calibrator's entries for the same record can be told apart. */
export const SINK_CONNECTOR_HEADER = 'kalibra.sink.connector';
/** The SQLSTATE of a row Postgres refused (kalibra.error.code DATABASE_REJECTED). */
export const SQLSTATE_HEADER = 'kalibra.error.sqlstate';

const ROWS_PER_TRANSACTION = 200;
const MAX_SEND_BYTES = 512 * 1024;
const IDLE_CHECK_MS = 1_000;

export interface DeadLetterPublisherOptions {
  kafka: KafkaConnectionOptions;
  dlqTopic: string;
  key: OffsetsKey;
  /** The sink's consumer group; the publisher's transactional id and watermark group derive from it. */
  groupId: string;
  db: DatabaseRunner;
  logger: SinkLogger;
  signal: AbortSignal;
  /** Whether this sink publishes now (it owns partition 0 of the source topic). */
  active: () => boolean;
}

/** The Kafka side while this sink publishes: fenced as a whole, rebuilt as a whole after any failure. */
interface Session {
  producer: Producer;
  watermarkGroup: Consumer;
  coordinatorId: number;
  /** source partition → first source offset not yet published. */
  watermarks: Map<number, bigint>;
}

export class DeadLetterPublisher {
  readonly #o: DeadLetterPublisherOptions;
  readonly #group: string;
  #session: Session | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: DeadLetterPublisherOptions) {
    this.#o = options;
    this.#group = `${options.groupId}.dead-letters`;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** A batch stored dead letters: publish them now instead of at the next idle check. */
  wakeUp(): void {
    this.#wake?.();
  }

  /** Resolves once the loop has ended (the sink's abort signal stops it) and the clients are closed. */
  async close(): Promise<void> {
    this.wakeUp();
    await this.#loop;
    await this.#endSession();
  }

  async #run(): Promise<void> {
    const { signal, logger } = this.#o;
    let failures = 0;
    while (!signal.aborted) {
      let more = false;
      try {
        if (this.#o.active()) more = await this.#publishSome();
        else await this.#endSession();
        failures = 0;
      } catch (error) {
        logger.warn('publishing dead letters failed; retrying with a new transactional producer', {
          attempt: failures, error: `${(error as Error).message}${kafkaErrorReasons(error)}`,
        });
        await this.#endSession();
        await sleep(backoffDelay(failures++), signal);
        continue;
      }
      if (!more) await this.#idle();
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#o.signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, IDLE_CHECK_MS);
      this.#o.signal.addEventListener('abort', done);
      this.#wake = done;
    });
  }

  /** Publishes the oldest pending dead letters; resolves true when there may be more. */
  async #publishSome(): Promise<boolean> {
    const { db, key } = this.#o;
    const pending = await db.run('read dead letters', (client) => pendingDeadLetters(client, key, ROWS_PER_TRANSACTION));
    if (pending === undefined || pending.length === 0) return false;
    const session = await this.#startSession();
    const fresh = pending.filter((d) => d.record.offset >= (session.watermarks.get(d.record.partition) ?? 0n));
    if (fresh.length > 0) await this.#publish(session, fresh);
    // Every pending row is now below its partition's watermark: published, by this
    // transaction or by one that committed before a crash left it unmarked.
    await db.run('mark dead letters published', (client) => markDeadLettersPublished(client, key,
      pending.map((d) => ({ partition: d.record.partition, offset: d.record.offset }))));
    this.#o.logger.info('dead letters published', { published: fresh.length, alreadyPublished: pending.length - fresh.length });
    return pending.length === ROWS_PER_TRANSACTION;
  }

  async #publish(session: Session, deadLetters: StoredDeadLetter[]): Promise<void> {
    const next = new Map<number, bigint>();
    for (const { record } of deadLetters) {
      if (record.offset + 1n > (next.get(record.partition) ?? 0n)) next.set(record.partition, record.offset + 1n);
    }
    const tx = await session.producer.beginTransaction();
    try {
      for (const chunk of chunks(deadLetters.map((d) => this.#message(d)))) await tx.send({ messages: chunk });
      await tx.addConsumer(session.watermarkGroup);
      // One TxnOffsetCommit per partition, one after another (the client merges concurrent ones).
      for (const [partition, offset] of next) await tx.addOffset(this.#watermarkMarker(session, partition, offset));
      await tx.commit();
    } catch (error) {
      if (!tx.completed) await tx.abort().catch(() => undefined);
      throw new SinkError('DEAD_LETTER_FAILED', `could not publish ${deadLetters.length} dead letter(s) to ${this.#o.dlqTopic}`,
        { cause: error, retryable: true });
    }
    for (const [partition, offset] of next) session.watermarks.set(partition, offset);
  }

  #message({ record, error, sqlstate }: StoredDeadLetter): Message {
    const out = deadLetterRecord(this.#o.dlqTopic, record, error);
    const headers = new Map<Buffer, Buffer>();
    for (const [name, value] of out.headers ?? []) headers.set(Buffer.from(name), value);
    if (sqlstate !== undefined) headers.set(Buffer.from(SQLSTATE_HEADER), Buffer.from(sqlstate));
    headers.set(Buffer.from(SINK_CONNECTOR_HEADER), Buffer.from(this.#o.key.connector));
    return {
      topic: out.topic, key: out.key ?? undefined, value: out.value ?? undefined, headers, timestamp: out.timestamp,
    } as Message;
  }

  /**
   * The client's tx.addOffset(message) commits message.offset + 1 for message.metadata.consumer's
   * group: a message-like object at `offset - 1` commits `offset`. Generation -1 and no member:
   * the watermark group has no members, only committed offsets (like sendOffsetsToTransaction
   * with a group id in the Java client).
   */
  #watermarkMarker(session: Session, partition: number, offset: bigint): Message {
    const consumer = { groupId: this.#group, generationId: -1, memberId: '', coordinatorId: session.coordinatorId };
    return {
      topic: this.#o.key.topic, partition, offset: offset - 1n, timestamp: 0n, key: Buffer.alloc(0), value: Buffer.alloc(0),
      headers: new Map(), metadata: { consumer }, commit: () => undefined,
    } as unknown as Message;
  }

  /** Registers the transactional id (fencing every earlier publisher) and reads the watermarks back. */
  async #startSession(): Promise<Session> {
    if (this.#session) return this.#session;
    const { kafka } = this.#o;
    const producer = clientAddPartitionsToTxn(new Producer({
      ...kafka, clientId: `${kafka.clientId}-dlq`, ...freshProducerIdentity, idempotent: true, acks: ProduceAcks.ALL,
      transactionalId: this.#group,
    }));
    const watermarkGroup = new Consumer({ ...kafka, clientId: `${kafka.clientId}-dlq-watermark`, groupId: this.#group });
    const admin = new Admin({ ...kafka, clientId: `${kafka.clientId}-dlq-admin` });
    try {
      // beginTransaction runs InitProducerId, which only answers once the previous holder's
      // transaction is complete (committed or aborted); cancel sends nothing.
      await (await producer.beginTransaction()).cancel();
      const coordinatorId = await watermarkGroup.findGroupCoordinator();
      const [group] = await admin.listConsumerGroupOffsets({ groups: [this.#group], requireStable: true });
      const watermarks = new Map<number, bigint>();
      for (const topic of group?.topics ?? []) {
        if (topic.name !== this.#o.key.topic) continue;
        for (const p of topic.partitions) if (p.committedOffset >= 0n) watermarks.set(p.partitionIndex, p.committedOffset);
      }
      this.#session = { producer, watermarkGroup, coordinatorId, watermarks };
      this.#o.logger.info('dead-letter publisher started', {
        transactionalId: this.#group, watermarks: Object.fromEntries([...watermarks].map(([p, o]) => [p, o.toString()])),
      });
      return this.#session;
    } catch (error) {
      await Promise.all([producer.close(), watermarkGroup.close()]).catch(() => undefined);
      throw error;
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  async #endSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    await session.producer.close().catch(() => undefined);
    await session.watermarkGroup.close().catch(() => undefined);
  }
}

function* chunks(messages: Message[]): Generator<Message[]> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = (message.value?.length ?? 0) + (message.key?.length ?? 0) + 1_024;
    if (chunk.length > 0 && bytes + size > MAX_SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
