// The KStream the DSL hands out: a position in the graph. Each method validates its
// arguments, adds one node from dsl/operations and returns the stream after it. It holds
// no records and must never run user functions itself.
import type { BranchedKStream, KStream } from '../dsl/kstream.js';
import { filterProcessor } from '../dsl/operations/filter.js';
import type { Predicate } from '../dsl/operations/filter.js';
import { flatMapProcessor } from '../dsl/operations/flat-map.js';
import type { FlatKeyValueMapper } from '../dsl/operations/flat-map.js';
import { mapProcessor } from '../dsl/operations/map.js';
import type { KeyValueMapper } from '../dsl/operations/map.js';
import { mapValuesProcessor } from '../dsl/operations/map-values.js';
import type { ValueMapper } from '../dsl/operations/map-values.js';
import { peekProcessor } from '../dsl/operations/peek.js';
import type { ForeachAction } from '../dsl/operations/peek.js';
import { requireFunction, requireSerdes, requireTopic } from '../dsl/options.js';
import type { Named, Produced, TopicNameExtractor } from '../dsl/options.js';
import type { ProcessorSupplier } from '../processor.js';
import { BranchedStreamNode } from './branched-stream-node.js';
import type { TopologyGraph } from './graph.js';

export class StreamNode<K, V> implements KStream<K, V> {
  constructor(
    private readonly graph: TopologyGraph,
    private readonly nodeName: string,
  ) {}

  filter<S extends V>(predicate: (key: K, value: V) => value is S, options?: Named): KStream<K, S>;
  filter(predicate: Predicate<K, V>, options?: Named): KStream<K, V>;
  filter(predicate: Predicate<K, V>, options?: Named): KStream<K, V> {
    requireFunction(predicate, 'filter(predicate)');
    return this.attach('filter', filterProcessor(predicate), options);
  }

  map<KOut, VOut>(mapper: KeyValueMapper<K, V, KOut, VOut>, options?: Named): KStream<KOut, VOut> {
    requireFunction(mapper, 'map(mapper)');
    return this.attach('map', mapProcessor(mapper), options);
  }

  mapValues<VOut>(mapper: ValueMapper<K, V, VOut>, options?: Named): KStream<K, VOut> {
    requireFunction(mapper, 'mapValues(mapper)');
    return this.attach('map-values', mapValuesProcessor(mapper), options);
  }

  flatMap<KOut, VOut>(mapper: FlatKeyValueMapper<K, V, KOut, VOut>, options?: Named): KStream<KOut, VOut> {
    requireFunction(mapper, 'flatMap(mapper)');
    return this.attach('flat-map', flatMapProcessor(mapper), options);
  }

  peek(action: ForeachAction<K, V>, options?: Named): KStream<K, V> {
    requireFunction(action, 'peek(action)');
    return this.attach('peek', peekProcessor(action), options);
  }

  split(options?: Named): BranchedKStream<K, V> {
    return new BranchedStreamNode<K, V>(this.graph, this.nodeName, options);
  }

  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, options?: Named): KStream<KOut, VOut> {
    requireFunction(supplier, 'process(supplier)');
    return this.attach('process', supplier, options);
  }

  to(topic: string | TopicNameExtractor<K, V>, options: Produced<K, V>): void {
    if (typeof topic !== 'function') requireTopic(topic, 'to(topic)');
    requireSerdes(options, 'serialize', 'to(topic, options)');
    const name = this.graph.nameFor('sink', options.name, 'to(topic, options).name');
    this.graph.add({
      kind: 'sink',
      name,
      topic: topic as string | TopicNameExtractor<unknown, unknown>,
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
      parent: this.nodeName,
    });
  }

  private attach<KOut, VOut>(operation: string, supplier: ProcessorSupplier<K, V, KOut, VOut>, options: Named | undefined): KStream<KOut, VOut> {
    const name = this.graph.nameFor(operation, options?.name, `${operation}(options.name)`);
    this.graph.add({
      kind: 'processor',
      name,
      operation,
      supplier: supplier,
      parent: this.nodeName,
      children: [],
    });
    return new StreamNode<KOut, VOut>(this.graph, name);
  }
}
