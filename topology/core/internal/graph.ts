// The topology as data: named nodes and the edges between them, built by the DSL and read
// by describe() and the task. It holds no processor instances and no state, so one graph
// can make any number of tasks.
import { CoreError } from '../errors.ts';
import type { ProcessorSupplier } from '../processor.ts';
import type { TopicNameExtractor } from '../record.ts';
import type { Deserializer, Serializer } from '../serdes/serde.ts';

export interface SourceNode {
  readonly kind: 'source';
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Deserializer<unknown>;
  readonly valueSerde: Deserializer<unknown>;
  readonly children: string[];
}

export interface ProcessorNode {
  readonly kind: 'processor';
  readonly name: string;
  /** Which DSL operation made it (`filter`, `map`, ..., `process`), for describe(). */
  readonly operation: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly parent: string;
  readonly children: string[];
}

export interface SinkNode {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string | TopicNameExtractor<unknown, unknown>;
  readonly keySerde: Serializer<unknown>;
  readonly valueSerde: Serializer<unknown>;
  readonly parent: string;
}

export type GraphNode = SourceNode | ProcessorNode | SinkNode;

export class TopologyGraph {
  readonly nodes = new Map<string, GraphNode>();
  private counter = 0;
  private built = false;

  /** `requested` (validated and unique) or `<operation>-<n>`. */
  nameFor(operation: string, requested: string | undefined, option: string): string {
    this.assertOpen();
    if (requested === undefined) {
      let name: string;
      do name = `${operation}-${this.counter++}`;
      while (this.nodes.has(name));
      return name;
    }
    if (typeof requested !== 'string' || requested.trim() === '') {
      throw new CoreError('CONFIG_INVALID', `${option} must be a non-empty string`);
    }
    if (this.nodes.has(requested)) {
      throw new CoreError('CONFIG_INVALID', `${option} "${requested}" is already the name of another node`);
    }
    return requested;
  }

  add(node: GraphNode): void {
    this.assertOpen();
    if (this.nodes.has(node.name)) {
      throw new CoreError('TOPOLOGY_INVALID', `two nodes are named "${node.name}"`);
    }
    if (node.kind !== 'source') {
      const parent = this.nodes.get(node.parent);
      if (parent === undefined || parent.kind === 'sink') {
        throw new CoreError('TOPOLOGY_INVALID', `node "${node.name}" hangs off "${node.parent}", which cannot have children`);
      }
      parent.children.push(node.name);
    }
    this.nodes.set(node.name, node);
  }

  /** After this the graph never changes: a topology and its tasks can rely on it. */
  seal(): void {
    this.assertOpen();
    this.built = true;
  }

  private assertOpen(): void {
    if (this.built) {
      throw new CoreError('STATE_INVALID', 'the StreamsBuilder has already built its topology; start a new StreamsBuilder');
    }
  }
}
