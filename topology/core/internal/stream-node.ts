// The KStream the DSL hands out: a position in the graph. Each method validates its
// arguments, adds one node from dsl/operations and returns the stream after it. It holds
// no records and must never run user functions itself.
import type { BranchedKStream, KStream } from '../dsl/kstream.ts';
import { filterProcessor } from '../dsl/operations/filter.ts';
import type { Predicate } from '../dsl/operations/filter.ts';
import { flatMapProcessor } from '../dsl/operations/flat-map.ts';
import type { FlatKeyValueMapper } from '../dsl/operations/flat-map.ts';
import { mapProcessor } from '../dsl/operations/map.ts';
import type { KeyValueMapper } from '../dsl/operations/map.ts';
import { mapValuesProcessor } from '../dsl/operations/map-values.ts';
import type { ValueMapper } from '../dsl/operations/map-values.ts';
import { peekProcessor } from '../dsl/operations/peek.ts';
import type { ForeachAction } from '../dsl/operations/peek.ts';
import { requireFunction, requireSerdes, requireTopic } from '../dsl/options.ts';
import type { Named, Produced, TopicNameExtractor } from '../dsl/options.ts';
import type { ProcessorSupplier } from '../processor.ts';
import { BranchedStreamNode } from './branched-stream-node.ts';
import type { TopologyGraph } from './graph.ts';

export class StreamNode<K, V> implements KStream<K, V> {
  private readonly graph: TopologyGraph;
  private readonly nodeName: string;
  constructor(
    graph: TopologyGraph,
    nodeName: string,
  ) {
    this.graph = graph;
    this.nodeName = nodeName;
  }

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
