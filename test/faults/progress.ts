// How far each pipeline process has got, read from outside it: the sinks' next_offset rows in
// Postgres, the calibrator group's committed offsets and the topics' end offsets from the
// broker's admin API. Every probe survives the broker or Postgres being gone (it throws, and
// the next call connects afresh), because the suite probes right through its own faults.
import { Admin, FetchIsolationLevels } from '@platformatic/kafka';
import type { FetchIsolationLevelValue } from '@platformatic/kafka';
import pg from 'pg';
import { sinkOffsets } from './write-audit.ts';

export const RAW_SINK = 'kalibra-sink-raw';
export const CALIBRATED_SINK = 'kalibra-sink-calibrated';
export const CALIBRATOR_GROUP = 'kalibra-calibrator';

export type Offsets = Map<number, number>;

export function total(offsets: Offsets): number {
  let sum = 0;
  for (const value of offsets.values()) sum += Math.max(0, value);
  return sum;
}

/** Each partition of `target` reached by `offsets` (partitions empty in `target` need nothing). */
export function reached(offsets: Offsets, target: Offsets): boolean {
  return [...target].every(([partition, end]) => end === 0 || (offsets.get(partition) ?? 0) >= end);
}

export class Probes {
  readonly #brokers: string[];
  readonly #pool: pg.Pool;
  readonly #topics: { raw: string; calibrated: string; dlq: string };
  #admin: Admin | undefined;

  constructor(brokers: string[], databaseUrl: string, topics: { raw: string; calibrated: string; dlq: string }) {
    this.#brokers = brokers;
    this.#topics = topics;
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 3_000, query_timeout: 10_000 });
    this.#pool.on('error', () => undefined); // an idle connection dropped by a Postgres stop: the next query reconnects
  }

  async #withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    this.#admin ??= new Admin({ clientId: 'faults-probe', bootstrapBrokers: this.#brokers, timeout: 5_000, retries: 1 });
    try {
      return await use(this.#admin);
    } catch (error) {
      const broken = this.#admin;
      this.#admin = undefined;
      await broken.close().catch(() => undefined);
      throw error;
    }
  }

  async endOffsets(topic: string, isolationLevel: FetchIsolationLevelValue = FetchIsolationLevels.READ_COMMITTED): Promise<Offsets> {
    return this.#withAdmin(async (admin) => {
      const metadata = await admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const listed = await admin.listOffsets({
        isolationLevel, topics: [{ name: topic, partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
      });
      return new Map(listed.flatMap((t) => t.partitions).map((p) => [p.partitionIndex, Number(p.offset)]));
    });
  }

  rawEnd(): Promise<Offsets> {
    return this.endOffsets(this.#topics.raw, FetchIsolationLevels.READ_UNCOMMITTED);
  }

  /** Both ends of a transactional topic: equal when no transaction is open on it. */
  async settledEnds(topic: 'calibrated' | 'dlq'): Promise<{ committed: Offsets; high: Offsets }> {
    const name = this.#topics[topic];
    return {
      committed: await this.endOffsets(name, FetchIsolationLevels.READ_COMMITTED),
      high: await this.endOffsets(name, FetchIsolationLevels.READ_UNCOMMITTED),
    };
  }

  async calibratorCommitted(): Promise<Offsets> {
    return this.#withAdmin(async (admin) => {
      const groups = await admin.listConsumerGroupOffsets({ groups: [CALIBRATOR_GROUP] });
      return new Map(groups.flatMap((g) => g.topics).filter((t) => t.name === this.#topics.raw).flatMap((t) => t.partitions)
        .map((p) => [p.partitionIndex, Number(p.committedOffset)]));
    });
  }

  sink(connector: string): Promise<Offsets> {
    return this.query((client) => sinkOffsets(client, connector));
  }

  /** A query on a pooled connection (reconnects after a Postgres stop). */
  async query<T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      return await use(client);
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#admin?.close().catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }
}
