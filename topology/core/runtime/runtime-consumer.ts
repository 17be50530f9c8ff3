// The runtime's Kafka consumer: @platformatic/kafka's Consumer with the three fixes exactly-once
// needs, kept in this one place (docs/architecture.md#kafka-client-notes; test/integration/core/client-behaviour.test.ts proves them):
//  1. read_committed must drop EVERY aborted transaction in a fetch response (dropAbortedRecords);
//  2. committed offsets are read with require_stable, so a new owner of a partition waits for a
//     pending transactional offset commit instead of re-reading records already committed;
//  3. a member fenced by another process with its group.instance.id (FENCED_INSTANCE_ID) stops
//     being a member instead of rejoining, which 2.x does and which would fence the newcomer back.
// It must never change which records exist; it only removes aborted ones and waits.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Admin, Consumer, FetchIsolationLevels } from '@platformatic/kafka';
import type { CallbackWithPromise, ConsumerOptions, FetchOptions, ListCommitsOptions, Offsets } from '@platformatic/kafka';
import { contiguousFetchResponses } from '../client-workarounds.ts';
import { dropAbortedRecords } from './aborted-records.ts';
import type { FetchResponse } from './aborted-records.ts';
import { isKafkaError } from './kafka-errors.ts';
import { clientConnection } from './options.ts';
import { sourceDeserializers } from './record-source.ts';
import type { ResolvedRuntimeOptions } from './options.ts';

export type RuntimeConsumerOptions = ConsumerOptions<Buffer, Buffer, string, Buffer> & {
  /** How long to wait for a pending transactional offset commit to resolve before giving up. */
  stableOffsetsTimeoutMs: number;
};

const UNSTABLE_RETRY_MS = 200;
/** The client's tracing channel for heartbeats: its `error` event fires before the client handles the error. */
const HEARTBEAT_ERRORS = 'tracing:plt:kafka:consumer:heartbeat:error';

export class RuntimeConsumer extends Consumer<Buffer, Buffer, string, Buffer> {
  readonly #admin: Admin;
  readonly #readCommitted: boolean;
  readonly #stableOffsetsTimeoutMs: number;
  readonly #onHeartbeatError: (context: unknown) => void;
  /** How many times a committed-offset read found a pending transactional commit and waited. */
  unstableOffsetWaits = 0;

  constructor(options: RuntimeConsumerOptions) {
    const { stableOffsetsTimeoutMs, ...consumerOptions } = options;
    super(consumerOptions);
    this.#readCommitted = (options.isolationLevel ?? FetchIsolationLevels.READ_COMMITTED) === FetchIsolationLevels.READ_COMMITTED;
    this.#stableOffsetsTimeoutMs = stableOffsetsTimeoutMs;
    const { tls, sasl, tlsServerName, connectTimeout } = options;
    this.#admin = new Admin({
      clientId: `${options.clientId}-offsets`, bootstrapBrokers: options.bootstrapBrokers,
      ...clientConnection({ tls, sasl, tlsServerName, connectTimeout }),
      retries: 0,
    });
    this.#onHeartbeatError = (context) => {
      const { client, error } = context as { client?: unknown; error?: unknown };
      if (client !== this || !isKafkaError(error, 'FENCED_INSTANCE_ID')) return;
      // Another process joined with our group.instance.id. @platformatic/kafka 2.x answers by
      // rejoining with a fresh member id, which takes the id back and fences the newcomer, and
      // it no longer reports the error. Leaving first (this runs before the client's own
      // handling) turns that rejoin into a no-op; the event is what 1.x emitted, for the runtime.
      this.leaveGroup(true, () => undefined);
      this.emit('consumer:heartbeat:error', { groupId: this.groupId, memberId: this.memberId, generationId: this.generationId, error });
    };
    subscribe(HEARTBEAT_ERRORS, this.#onHeartbeatError);
  }

  override fetch(options: FetchOptions<Buffer, Buffer, string, Buffer>, callback: CallbackWithPromise<FetchResponse>): void;
  override fetch(options: FetchOptions<Buffer, Buffer, string, Buffer>): Promise<FetchResponse>;
  override fetch(options: FetchOptions<Buffer, Buffer, string, Buffer>, callback?: CallbackWithPromise<FetchResponse>): void | Promise<FetchResponse> {
    const filtered = this.#readCommitted;
    if (callback === undefined) {
      return super.fetch(options).then((response) => (filtered ? dropAbortedRecords(response) : response));
    }
    super.fetch(options, (error, response) => {
      if (error || !filtered || response === undefined) {
        callback(error, response);
        return;
      }
      callback(null, dropAbortedRecords(response));
    });
  }

  override listCommittedOffsets(options: ListCommitsOptions, callback: CallbackWithPromise<Offsets>): void;
  override listCommittedOffsets(options: ListCommitsOptions): Promise<Offsets>;
  override listCommittedOffsets(options: ListCommitsOptions, callback?: CallbackWithPromise<Offsets>): void | Promise<Offsets> {
    const result = this.#stableCommittedOffsets(options);
    if (callback === undefined) return result;
    result.then((offsets) => callback(null, offsets), (error: Error) => callback(error, undefined as unknown as Offsets));
  }

  override close(force: boolean | CallbackWithPromise<void>, callback?: CallbackWithPromise<void>): void;
  override close(force?: boolean): Promise<void>;
  override close(force?: boolean | CallbackWithPromise<void>, callback?: CallbackWithPromise<void>): void | Promise<void> {
    unsubscribe(HEARTBEAT_ERRORS, this.#onHeartbeatError);
    const closing = (async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          super.close(typeof force === 'boolean' ? force : false, (error) => (error ? reject(error) : resolve()));
        });
      } finally {
        await this.#admin.close().catch(() => undefined);
      }
    })();
    const done = typeof force === 'function' ? force : callback;
    if (done === undefined) return closing;
    closing.then(() => done(null), (error: Error) => done(error));
  }

  /** Committed offsets by partition index (-1n: none), waiting while any is UNSTABLE_OFFSET_COMMIT. */
  async #stableCommittedOffsets(options: ListCommitsOptions): Promise<Offsets> {
    const deadline = Date.now() + this.#stableOffsetsTimeoutMs;
    for (;;) {
      try {
        const groups = await this.#admin.listConsumerGroupOffsets({
          groups: [{ groupId: this.groupId, topics: options.topics.map(({ topic, partitions }) => ({ name: topic, partitionIndexes: partitions })) }],
          requireStable: true,
        });
        const committed: Offsets = new Map();
        for (const group of groups) {
          for (const topic of group.topics) {
            const partitions = committed.get(topic.name) ?? [];
            for (const p of topic.partitions) partitions[p.partitionIndex] = p.committedOffset;
            committed.set(topic.name, partitions);
          }
        }
        return committed;
      } catch (error) {
        if (!isKafkaError(error, 'UNSTABLE_OFFSET_COMMIT') || Date.now() > deadline) throw error;
        this.unstableOffsetWaits += 1;
        await new Promise((resolve) => setTimeout(resolve, UNSTABLE_RETRY_MS));
      }
    }
  }
}

/** The runtime's consumer for `options`: classic group protocol, static membership, read_committed. */
export function createRuntimeConsumer(o: ResolvedRuntimeOptions): RuntimeConsumer {
  return contiguousFetchResponses(new RuntimeConsumer({
    clientId: `${o.connection.clientId ?? o.applicationId}-${o.instanceId}-consumer`,
    bootstrapBrokers: o.brokers,
    ...clientConnection(o.connection),
    groupId: o.applicationId,
    groupInstanceId: o.instanceId,
    // Exactly-once fencing rests on generationId, which only the classic protocol sends right.
    groupProtocol: 'classic',
    sessionTimeout: o.sessionTimeoutMs,
    rebalanceTimeout: o.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(o.sessionTimeoutMs / 3)),
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    autocommit: false,
    // The broker answers a fetch as soon as minBytes (1) are there: records never wait for
    // maxWaitTime, which only bounds an idle long poll (and so how soon a stop is noticed).
    maxWaitTime: Math.min(500, o.commitIntervalMs * 5),
    minBytes: 1,
    deserializers: sourceDeserializers,
    // Long enough for a crashed predecessor's transaction to time out.
    stableOffsetsTimeoutMs: o.transactionTimeoutMs * 2 + 10_000,
  }));
}
