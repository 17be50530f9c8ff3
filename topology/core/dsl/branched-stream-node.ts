// `split()` under construction: one split node now, then one pass-through node per branch,
// named `<split>-<branch>`, that the split node forwards to by name. Once the default
// branch is chosen (or refused) the split is closed and more branches are an error.
import { CoreError } from '../errors.ts';
import type { BranchedKStream, KStream } from './kstream.ts';
import type { Predicate } from './operations/filter.ts';
import { passThroughProcessor } from './operations/pass-through.ts';
import { splitProcessor } from './operations/split.ts';
import type { Branch } from './operations/split.ts';
import { requireFunction } from './options.ts';
import type { Named } from './options.ts';
import type { TopologyGraph } from '../internal/graph.ts';
import { StreamNode } from './stream-node.ts';

export class BranchedStreamNode<K, V, B = Record<never, never>> implements BranchedKStream<K, V, B> {
  private readonly splitName: string;
  private readonly branches: Branch<K, V>[] = [];
  private readonly streams: Record<string, KStream<K, V>> = {};
  private defaultChild: string | undefined;
  private closed = false;

  private readonly graph: TopologyGraph;
  constructor(
    graph: TopologyGraph,
    parent: string,
    options: Named | undefined,
  ) {
    this.graph = graph;
    this.splitName = graph.nameFor('split', options?.name, 'split(options.name)');
    const supplier = splitProcessor<K, V>(this.branches, () => this.defaultChild);
    graph.add({ kind: 'processor', name: this.splitName, operation: 'split', supplier: supplier, parent, children: [] });
  }

  branch<N extends string, S extends V>(predicate: (key: K, value: V) => value is S, name: N): BranchedKStream<K, V, B & Record<N, KStream<K, S>>>;
  branch<N extends string>(predicate: Predicate<K, V>, name: N): BranchedKStream<K, V, B & Record<N, KStream<K, V>>>;
  branch<N extends string>(predicate: Predicate<K, V>, name: N): BranchedKStream<K, V, B & Record<N, KStream<K, V>>> {
    requireFunction(predicate, `branch(predicate, "${String(name)}")`);
    const childName = this.addBranch(name, 'branch(predicate, name)');
    this.branches.push({ predicate, childName });
    return this as unknown as BranchedKStream<K, V, B & Record<N, KStream<K, V>>>;
  }

  defaultBranch<N extends string = 'default'>(name?: N): B & Record<N, KStream<K, V>> {
    this.defaultChild = this.addBranch(name ?? 'default', 'defaultBranch(name)');
    this.closed = true;
    return this.streams as B & Record<N, KStream<K, V>>;
  }

  noDefaultBranch(): B {
    this.assertOpen('noDefaultBranch()');
    this.closed = true;
    return this.streams as B;
  }

  private addBranch(name: string, option: string): string {
    this.assertOpen(option);
    if (typeof name !== 'string' || name === '') throw new CoreError('CONFIG_INVALID', `${option}: name must be a non-empty string`);
    if (Object.hasOwn(this.streams, name)) {
      throw new CoreError('CONFIG_INVALID', `${option}: split "${this.splitName}" already has a branch named "${name}"`);
    }
    const childName = this.graph.nameFor('branch', `${this.splitName}-${name}`, option);
    this.graph.add({
      kind: 'processor',
      name: childName,
      operation: 'branch',
      supplier: passThroughProcessor<unknown, unknown>(),
      parent: this.splitName,
      children: [],
    });
    this.streams[name] = new StreamNode<K, V>(this.graph, childName);
    return childName;
  }

  private assertOpen(option: string): void {
    if (this.closed) {
      throw new CoreError('STATE_INVALID', `${option} after defaultBranch() or noDefaultBranch(): split "${this.splitName}" is already closed`);
    }
  }
}
