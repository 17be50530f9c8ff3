// The save-before-calibrate gate in Connect mode: admits an offset of the raw topic only once
// the raw Kafka Connect JDBC sink has committed its consumer offset past it. A sink task's
// offsets are committed by the worker only after the task's preCommit/flush, and the Debezium
// JDBC sink reports only records whose rows it has written and committed, so the group's
// committed offset is a lower bound of what is in raw_readings. Read with the Admin API every
// poll interval; admitted offsets only move forward; the gate never writes anything.
// (Next to gate.ts, the Postgres gate over our own raw sink's offsets table.)
import { Admin } from '@platformatic/kafka';
import type { KafkaConnectionOptions } from '../../topology/core/ops/index.ts';
import type { Gate } from '../../topology/index.ts';
import { SinkError } from './errors.ts';
import { silentLogger } from './sink-log.ts';
import type { SinkLogger } from './sink-log.ts';
import { Admissions } from './admissions.ts';

/** The consumer group Kafka Connect gives a sink connector: `connect-<connector name>`. */
export function connectorGroup(connectorName: string): string {
  return `connect-${connectorName}`;
}

export interface ConnectGateOptions {
  kafka: KafkaConnectionOptions;
  /** The raw connector's consumer group (`connect-<name>`, e.g. connect-kalibra-raw-jdbc-sink). */
  group: string;
  /** The topic whose offsets are gated (the raw topic). */
  topic: string;
  /** How often the group's committed offsets are read (default 200 ms). */
  pollIntervalMs?: number;
  logger?: SinkLogger;
}

export class ConnectGate implements Gate {
  readonly #kafka: KafkaConnectionOptions;
  readonly #group: string;
  readonly #topic: string;
  readonly #pollMs: number;
  readonly #logger: SinkLogger;
  readonly #admissions: Admissions;
  #admin: Admin | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  /** Since when the offsets could not be read (undefined while they can), and the last error. */
  #downSince: number | undefined;
  #lastError: string | undefined = 'not read yet';
  #closed = false;

  constructor(options: ConnectGateOptions) {
    this.#kafka = options.kafka;
    if (typeof options.group !== 'string' || options.group === '') throw new SinkError('CONFIG_INVALID', 'ConnectGate: option group must name the raw connector\'s consumer group');
    if (typeof options.topic !== 'string' || options.topic === '') throw new SinkError('CONFIG_INVALID', 'ConnectGate: option topic must name the raw topic');
    this.#group = options.group;
    this.#topic = options.topic;
    this.#admissions = new Admissions(options.topic);
    this.#pollMs = options.pollIntervalMs ?? 200;
    if (!Number.isSafeInteger(this.#pollMs) || this.#pollMs <= 0) {
      throw new SinkError('CONFIG_INVALID', `ConnectGate: pollIntervalMs must be a positive integer, got ${this.#pollMs}`);
    }
    this.#logger = options.logger ?? silentLogger;
  }

  /** Reads the committed offsets once, then keeps polling in the background (also while the broker is away). */
  async start(): Promise<void> {
    this.#admin = new Admin({ ...this.#kafka, clientId: `${this.#kafka.clientId}-gate` });
    await this.#poll();
    this.#schedule();
  }

  admittedUpTo(topic: string, partition: number): bigint | undefined {
    return this.#admissions.admittedUpTo(topic, partition);
  }

  /** When (epoch ms) `offset` was first admitted; forgets the admissions below it (asked in offset order). */
  admittedAt(topic: string, partition: number, offset: bigint): number | undefined {
    return this.#admissions.admittedAt(topic, partition, offset);
  }

  changed(signal: AbortSignal): Promise<void> {
    return this.#admissions.changed(signal);
  }

  /** Why the gate admits nothing new right now (for readiness), or undefined while it reads the offsets. */
  get unavailableReason(): string | undefined {
    if (this.#lastError === undefined) return undefined;
    const since = this.#downSince === undefined ? '' : ` since ${new Date(this.#downSince).toISOString()}`;
    return `the gate cannot read the committed offsets of ${this.#group}${since}: ${this.#lastError}`;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#admissions.close();
    await this.#polling?.catch(() => undefined);
    await this.#admin?.close().catch(() => undefined);
    this.#admin = undefined;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      void this.#poll().finally(() => { this.#schedule(); });
    }, this.#pollMs);
    this.#timer.unref();
  }

  #poll(): Promise<void> {
    this.#polling = (async () => {
      const admin = this.#admin;
      if (admin === undefined || this.#closed) return;
      try {
        const groups = await admin.listConsumerGroupOffsets({ groups: [this.#group] });
        for (const group of groups) {
          for (const topic of group.topics) {
            if (topic.name !== this.#topic) continue;
            for (const p of topic.partitions) if (p.committedOffset >= 0n) this.#admissions.admit(p.partitionIndex, p.committedOffset);
          }
        }
        if (this.#downSince !== undefined) {
          this.#logger.info('gate reads the connector\'s offsets again', { group: this.#group, downMs: Date.now() - this.#downSince });
          this.#downSince = undefined;
        }
        this.#lastError = undefined;
      } catch (error) {
        this.#lastError = (error as Error).message;
        if (this.#downSince === undefined) {
          this.#downSince = Date.now();
          this.#logger.warn('gate cannot read the connector\'s committed offsets; nothing new is admitted until it can (retrying, logged once)',
            { group: this.#group, error: this.#lastError });
        }
      }
    })();
    return this.#polling;
  }
}
