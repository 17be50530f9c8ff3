// The typed stream of the DSL, after Kafka Streams' KStream. Every operation adds one node
// to the topology and returns the stream after it; nothing runs until a runtime or the
// TopologyTestDriver drives the built topology. Functions given here must be pure and quick.
import type { ProcessorSupplier } from '../processor.ts';
import type { Predicate } from './operations/filter.ts';
import type { FlatKeyValueMapper } from './operations/flat-map.ts';
import type { KeyValueMapper } from './operations/map.ts';
import type { ValueMapper } from './operations/map-values.ts';
import type { ForeachAction } from './operations/peek.ts';
import type { Named, Produced } from './options.ts';
import type { TopicNameExtractor } from '../record.ts';

export interface KStream<K, V> {
  /** Keeps the records `predicate` accepts. A type guard narrows the value type. */
  filter<S extends V>(predicate: (key: K, value: V) => value is S, options?: Named): KStream<K, S>;
  filter(predicate: Predicate<K, V>, options?: Named): KStream<K, V>;
  /** A new key and value per record, returned as `[key, value]`. */
  map<KOut, VOut>(mapper: KeyValueMapper<K, V, KOut, VOut>, options?: Named): KStream<KOut, VOut>;
  /** A new value per record; the key stays. */
  mapValues<VOut>(mapper: ValueMapper<K, V, VOut>, options?: Named): KStream<K, VOut>;
  /** Zero or more `[key, value]` pairs per record. */
  flatMap<KOut, VOut>(mapper: FlatKeyValueMapper<K, V, KOut, VOut>, options?: Named): KStream<KOut, VOut>;
  /** Sees every record, forwards it unchanged. */
  peek(action: ForeachAction<K, V>, options?: Named): KStream<K, V>;
  /** Routes each record to the first matching branch: `split().branch(p, 'a').defaultBranch()`. */
  split(options?: Named): BranchedKStream<K, V>;
  /** Hands records to your own Processor; the returned stream carries what it forwards. */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, options?: Named): KStream<KOut, VOut>;
  /** Writes to a fixed topic, or to the topic `topic(record)` names for each record. */
  to(topic: string | TopicNameExtractor<K, V>, options: Produced<K, V>): void;
}

/**
 * Collects branches, then hands back a stream per branch name: each record goes to the
 * first branch whose predicate accepts it, else to the default branch, else nowhere.
 */
export interface BranchedKStream<K, V, B = Record<never, never>> {
  branch<N extends string, S extends V>(predicate: (key: K, value: V) => value is S, name: N): BranchedKStream<K, V, B & Record<N, KStream<K, S>>>;
  branch<N extends string>(predicate: Predicate<K, V>, name: N): BranchedKStream<K, V, B & Record<N, KStream<K, V>>>;
  /** Ends the split; records no branch accepted go to the branch called `name` ('default'). */
  defaultBranch<N extends string = 'default'>(name?: N): B & Record<N, KStream<K, V>>;
  /** Ends the split; records no branch accepted are dropped. */
  noDefaultBranch(): B;
}
