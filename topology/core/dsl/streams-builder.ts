// Where a topology starts, after Kafka Streams' StreamsBuilder: `stream(topic)` opens a
// typed stream, `build()` freezes what was added into a Topology. A builder builds once;
// it must never hand out a topology that can still change.
import { CoreError } from '../errors.ts';
import { TopologyGraph } from '../internal/graph.ts';
import { StreamNode } from './stream-node.ts';
import type { KStream } from './kstream.ts';
import { requireSerdes, requireTopic } from './options.ts';
import type { Consumed } from './options.ts';
import { Topology } from './topology.ts';

export class StreamsBuilder {
  private readonly graph = new TopologyGraph();
  private readonly topics = new Set<string>();

  /**
   * The records of `topic`, decoded with `keySerde` and `valueSerde`. Records that fail to
   * decode go to the dead-letter handler. A tombstone reaches the stream only if the value
   * serde is nullable (nullableSerde); otherwise it is dead-lettered as DESERIALIZATION_FAILED.
   */
  stream<K, V>(topic: string, options: Consumed<K, V>): KStream<K, V> {
    requireTopic(topic, 'stream(topic)');
    requireSerdes(options, 'deserialize', `stream("${topic}", options)`);
    if (this.topics.has(topic)) {
      throw new CoreError('TOPOLOGY_INVALID', `stream("${topic}") is called twice; reuse the first stream, a topic has one source`);
    }
    const name = this.graph.nameFor('source', options.name, `stream("${topic}", options).name`);
    this.graph.add({
      kind: 'source',
      name,
      topic,
      keySerde: options.keySerde,
      valueSerde: options.valueSerde,
      children: [],
    });
    this.topics.add(topic);
    return new StreamNode<K, V>(this.graph, name);
  }

  build(): Topology {
    if (this.topics.size === 0) {
      throw new CoreError('TOPOLOGY_INVALID', 'the topology reads no topic: call stream(topic, options) before build()');
    }
    this.graph.seal();
    return new Topology(this.graph.nodes);
  }
}
