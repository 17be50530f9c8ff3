// A built topology: what StreamsBuilder.build() returns. It is the TaskFactory the runtime
// and the TopologyTestDriver run, and it can describe itself. Immutable: it never changes
// after build, so every task made from it behaves the same.
import type { GraphNode } from '../internal/graph.ts';
import { StreamTask } from '../internal/stream-task.ts';
import type { Task, TaskFactory, TaskIO } from '../task.ts';
import { describeGraph, formatTopologyDescription } from './topology-description.ts';
import type { TopologyDescription } from './topology-description.ts';

export class Topology implements TaskFactory {
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];
  private readonly nodes: ReadonlyMap<string, GraphNode>;

  /** Made by StreamsBuilder.build(); not meant to be called directly. */
  constructor(nodes: ReadonlyMap<string, GraphNode>) {
    this.nodes = nodes;
    const sources: string[] = [];
    const sinks = new Set<string>();
    for (const node of nodes.values()) {
      if (node.kind === 'source') sources.push(node.topic);
      if (node.kind === 'sink' && typeof node.topic === 'string') sinks.add(node.topic);
    }
    this.sourceTopics = Object.freeze(sources);
    this.sinkTopics = Object.freeze([...sinks]);
  }

  /** A new task with its own processor instances; init() runs on each before this returns. */
  createTask(io: TaskIO): Task {
    return new StreamTask(this.nodes, io);
  }

  describe(): TopologyDescription {
    return describeGraph(this.nodes);
  }

  /** describe(), printed the way Kafka Streams prints a TopologyDescription. */
  toString(): string {
    return formatTopologyDescription(this.describe());
  }
}
