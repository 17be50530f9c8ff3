// Where records come from: one consumer-group stream at a time, buffered for a processing loop,
// and `toSourceRecord`, the one place a consumed Kafka message becomes a SourceRecord. It is
// also the only way to move a partition (the client has no seek): `open()` starts a fresh
// stream at the committed offsets or at explicit offsets and discards everything the previous
// stream had buffered. The StreamsRuntime re-reads committed offsets through it; the Postgres
// sink reopens at the offsets it stored in Postgres (`open({ mode: 'manual', offsets })`).
// It must never hand out a record fetched by a stream that is no longer current. It does not
// decide when to move, and it commits nothing.
import type { ConsumeOptions, Consumer, Message, MessagesStream, TopicWithPartitionAndOffset } from '@platformatic/kafka';
import type { SourceRecord } from '../task.ts';

/** A consumed message: bytes, header names decoded as strings (the consumer's headerKey deserializer). */
export type RuntimeMessage = Message<Buffer, Buffer, string, Buffer>;

/** A consumer whose messages are RuntimeMessages (the runtime's RuntimeConsumer is one). */
export type SourceConsumer = Consumer<Buffer, Buffer, string, Buffer>;

/** The deserializers that make a consumer's messages RuntimeMessages: header names as strings. */
export const sourceDeserializers = { headerKey: (key?: Buffer): string | undefined => key?.toString() };

/** Fetch sizes for the streams a source opens (the client's defaults otherwise). */
export type SourceFetchOptions = Pick<ConsumeOptions<Buffer, Buffer, string, Buffer>, 'maxBytes' | 'maxBytesPerPartition'>;

/** The one place a consumed Kafka message becomes a SourceRecord. */
export function toSourceRecord(message: RuntimeMessage): SourceRecord {
  return {
    topic: message.topic, partition: message.partition, offset: message.offset, timestamp: message.timestamp,
    // The client hands out undefined for a missing key or value; a null value is a tombstone.
    key: message.key ?? null, value: message.value ?? null, headers: message.headers,
  };
}

/** Where a newly opened stream starts: the group's committed offsets, or given offsets. */
export type SourceStart =
  | { mode: 'committed' }
  | { mode: 'manual'; offsets: TopicWithPartitionAndOffset[] };

export class RecordSource {
  readonly #consumer: SourceConsumer;
  readonly #topics: string[];
  readonly #maxBuffered: number;
  readonly #fetch: SourceFetchOptions;
  #stream: MessagesStream<Buffer, Buffer, string, Buffer> | undefined;
  /** Streams replaced by open(), closed once a new one is open (kept when opening fails). */
  #retired: MessagesStream<Buffer, Buffer, string, Buffer>[] = [];
  #buffer: RuntimeMessage[] = [];
  #head = 0;
  #paused = false;
  #wake: (() => void) | undefined;
  #failure: unknown;
  #generation = -1;

  constructor(consumer: SourceConsumer, topics: readonly string[], maxBuffered: number, fetch: SourceFetchOptions = {}) {
    this.#consumer = consumer;
    this.#topics = [...topics];
    this.#maxBuffered = maxBuffered;
    this.#fetch = fetch;
  }

  /** True once a stream has been opened (and until close()). */
  get opened(): boolean {
    return this.#stream !== undefined;
  }

  /** The group generation the current stream was opened in. */
  get generation(): number {
    return this.#generation;
  }

  /** Set when the current stream died; the runtime reopens or fails. */
  get failure(): unknown {
    return this.#failure;
  }

  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /**
   * Opens a new stream at `start` and makes it current. The new stream is opened before the old
   * one closes so the topics stay subscribed and the group is not asked to rebalance again; if
   * opening fails, the old one is closed after the next open that succeeds (or at close()).
   */
  async open(start: SourceStart): Promise<void> {
    if (this.#stream !== undefined) this.#retired.push(this.#stream);
    this.#stream = undefined;
    this.#discardBuffered();
    this.#failure = undefined;
    const stream = await this.#consumer.consume({
      topics: this.#topics,
      mode: start.mode,
      fallbackMode: 'earliest',
      ...(start.mode === 'manual' ? { offsets: start.offsets } : {}),
      autocommit: false,
      highWaterMark: this.#maxBuffered,
      ...this.#fetch,
    });
    this.#stream = stream;
    this.#generation = this.#consumer.generationId;
    stream.on('data', (message: RuntimeMessage) => {
      if (this.#stream !== stream) return;
      this.#buffer.push(message);
      if (!this.#paused && this.buffered >= this.#maxBuffered) {
        this.#paused = true;
        stream.pause();
      }
      this.#notify();
    });
    stream.on('error', (error: unknown) => {
      if (this.#stream !== stream) return;
      this.#failure = error;
      this.#notify();
    });
    for (const previous of this.#retired.splice(0)) await closeQuietly(previous);
  }

  /** The next buffered record, or undefined. */
  take(): RuntimeMessage | undefined {
    if (this.#head >= this.#buffer.length) return undefined;
    const message = this.#buffer[this.#head++]!;
    if (this.#head > 4096 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.buffered <= this.#maxBuffered / 2) {
      this.#paused = false;
      this.#stream?.resume();
    }
    return message;
  }

  /** Puts back the record `take()` just returned (e.g. the gate does not admit it yet). */
  putBack(message: RuntimeMessage): void {
    if (this.#head > 0 && this.#buffer[this.#head - 1] === message) this.#head--;
    else this.#buffer.splice(this.#head, 0, message);
  }

  /** Resolves when a record arrives, the stream fails, `wakeUp()` is called, or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.buffered > 0 || this.#failure !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, ms));
      const wake = this.#wake;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => { wake?.(); done(); };
    });
  }

  /**
   * The offset the current stream fetches next on a partition, once every record it fetched
   * has been taken (otherwise undefined). It can lie past the last record taken: transaction
   * markers and aborted records are never delivered.
   */
  fetchPosition(topic: string, partition: number): bigint | undefined {
    const stream = this.#stream;
    if (stream === undefined || this.buffered > 0 || stream.readableLength > 0) return undefined;
    return stream.offsetsToFetch.get(`${topic}:${partition}`);
  }

  wakeUp(): void {
    this.#notify();
  }

  async close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    this.#discardBuffered();
    this.#notify();
    for (const previous of this.#retired.splice(0)) await closeQuietly(previous);
    if (stream !== undefined) await closeQuietly(stream);
  }

  #discardBuffered(): void {
    this.#buffer = [];
    this.#head = 0;
    this.#paused = false;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

async function closeQuietly(stream: MessagesStream<Buffer, Buffer, string, Buffer>): Promise<void> {
  stream.removeAllListeners('data');
  stream.on('error', () => undefined);
  await stream.close().catch(() => undefined);
}
