// The record a processor sees and forwards: typed key and value plus the timestamp and
// headers that travel with it. Immutable by convention; a processor forwards a new record
// (`{ ...record, value }`) instead of changing the one it was given.

export type Headers = ReadonlyMap<string, Buffer>;

export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /**
   * Epoch milliseconds. A number, not the bigint of task.ts: epoch milliseconds fit a
   * double exactly until the year 287396, and `new Date(timestamp)` just works.
   */
  readonly timestamp: number;
  readonly headers: Headers;
}

/** Where the record being processed came from. Absent inside a punctuation. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** A key and a value, as `map` and `flatMap` return them. */
export type KeyValue<K, V> = readonly [key: K, value: V];

/** Picks an output topic per record, for `to((record) => topic)`. */
export type TopicNameExtractor<K, V> = (record: StreamRecord<K, V>) => string;
