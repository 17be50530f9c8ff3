// What describe() returns: the topology as plain, JSON-printable data (after Kafka Streams'
// TopologyDescription), plus a text rendering for logs and READMEs. Built from the graph;
// it must never expose processors, serdes or functions themselves.
import type { GraphNode } from '../internal/graph.ts';

export interface SourceDescription {
  readonly type: 'source';
  readonly name: string;
  readonly topic: string;
  readonly keySerde: string;
  readonly valueSerde: string;
  readonly successors: readonly string[];
}

export interface ProcessorDescription {
  readonly type: 'processor';
  readonly name: string;
  /** The DSL operation that made it: filter, map, map-values, flat-map, peek, split, branch, process. */
  readonly operation: string;
  readonly predecessors: readonly string[];
  readonly successors: readonly string[];
}

export interface SinkDescription {
  readonly type: 'sink';
  readonly name: string;
  /** null when a topic extractor picks the topic per record. */
  readonly topic: string | null;
  readonly keySerde: string;
  readonly valueSerde: string;
  readonly predecessors: readonly string[];
}

export type NodeDescription = SourceDescription | ProcessorDescription | SinkDescription;

/** One source and everything downstream of it, in depth-first order. */
export interface SubtopologyDescription {
  readonly id: number;
  readonly nodes: readonly NodeDescription[];
}

export interface TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
}

export function describeGraph(nodes: ReadonlyMap<string, GraphNode>): TopologyDescription {
  const subtopologies: SubtopologyDescription[] = [];
  for (const node of nodes.values()) {
    if (node.kind !== 'source') continue;
    const described: NodeDescription[] = [];
    const visit = (name: string): void => {
      const current = nodes.get(name);
      if (current === undefined) return;
      described.push(describeNode(current));
      if (current.kind !== 'sink') current.children.forEach(visit);
    };
    visit(node.name);
    subtopologies.push({ id: subtopologies.length, nodes: described });
  }
  return { subtopologies };
}

function describeNode(node: GraphNode): NodeDescription {
  switch (node.kind) {
    case 'source':
      return { type: 'source', name: node.name, topic: node.topic, keySerde: node.keySerde.name, valueSerde: node.valueSerde.name, successors: [...node.children] };
    case 'processor':
      return { type: 'processor', name: node.name, operation: node.operation, predecessors: [node.parent], successors: [...node.children] };
    case 'sink':
      return {
        type: 'sink',
        name: node.name,
        topic: typeof node.topic === 'string' ? node.topic : null,
        keySerde: node.keySerde.name,
        valueSerde: node.valueSerde.name,
        predecessors: [node.parent],
      };
  }
}

/** The Kafka Streams layout: one block per sub-topology, `-->` successors, `<--` predecessors. */
export function formatTopologyDescription(description: TopologyDescription): string {
  const lines = ['Topologies:'];
  for (const subtopology of description.subtopologies) {
    lines.push(`  Sub-topology: ${subtopology.id}`);
    for (const node of subtopology.nodes) {
      if (node.type === 'source') lines.push(`    Source: ${node.name} (topic: ${node.topic}, key: ${node.keySerde}, value: ${node.valueSerde})`);
      if (node.type === 'processor') lines.push(`    Processor: ${node.name} (${node.operation})`);
      if (node.type === 'sink') {
        lines.push(`    Sink: ${node.name} (topic: ${node.topic ?? '<chosen per record>'}, key: ${node.keySerde}, value: ${node.valueSerde})`);
      }
      if (node.type !== 'sink') lines.push(`      --> ${node.successors.length === 0 ? 'none' : node.successors.join(', ')}`);
      if (node.type !== 'source') lines.push(`      <-- ${node.predecessors.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
