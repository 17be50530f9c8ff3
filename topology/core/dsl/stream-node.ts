// The KStream the DSL hands out: a position in the graph. Each method validates its
// arguments, adds one node from dsl/operations and returns the stream after it. It holds
// no records and must never run user functions itself.
import type { BranchedKStream, KStream } from './kstream.ts';
import { filterProcessor } from './operations/filter.ts';
import type { Predicate } from './operations/filter.ts';
import { flatMapProcessor } from './operations/flat-map.ts';
import type { FlatKeyValueMapper } from './operations/flat-map.ts';
import { mapProcessor } from './operations/map.ts';
import type { KeyValueMapper } from './operations/map.ts';
import { mapValuesProcessor } from './operations/map-values.ts';
import type { ValueMapper } from './operations/map-values.ts';
import { peekProcessor } from './operations/peek.ts';
import type { ForeachAction } from './operations/peek.ts';
import { requireFunction, requireSerdes, requireTopic } from './options.ts';
import type { Named, Produced } from './options.ts';
import type { TopicNameExtractor } from '../record.ts';
import type { ProcessorSupplier } from '../processor.ts';
import { BranchedStreamNode } from './branched-stream-node.ts';
import type { TopologyGraph } from '../internal/graph.ts';

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
