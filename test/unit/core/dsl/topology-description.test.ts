import { describe, expect, it } from 'vitest';
import { StreamsBuilder, formatTopologyDescription, jsonSerde, nullableSerde, stringSerde } from '../../../../topology/index.ts';
import type { Topology } from '../../../../topology/index.ts';

function sampleTopology(): Topology {
  const builder = new StreamsBuilder();
  const raw = builder.stream('readings.raw', { keySerde: stringSerde(), valueSerde: nullableSerde(jsonSerde()), name: 'raw' });
  const { valid, invalid } = raw
    .filter((_k, v) => v !== null)
    .split({ name: 'check' })
    .branch((_k, v) => typeof v === 'object', 'valid')
    .defaultBranch('invalid');
  valid.mapValues((v) => v).to('readings.calibrated', { keySerde: stringSerde(), valueSerde: jsonSerde(), name: 'calibrated' });
  invalid.to((record) => `rejects.${record.key}`, { keySerde: stringSerde(), valueSerde: jsonSerde() });
  builder.stream('other', { keySerde: stringSerde(), valueSerde: stringSerde() }).peek(() => undefined);
  return builder.build();
}

describe('describe()', () => {
  it('lists every source, processor and sink with its neighbours, one sub-topology per source', () => {
    const description = sampleTopology().describe();
    expect(description.subtopologies.map((s) => s.nodes.map((n) => n.name))).toEqual([
      ['raw', 'filter-0', 'check', 'check-valid', 'map-values-1', 'calibrated', 'check-invalid', 'sink-2'],
      ['source-3', 'peek-4'],
    ]);
    expect(description.subtopologies[0]!.nodes[0]).toEqual({
      type: 'source',
      name: 'raw',
      topic: 'readings.raw',
      keySerde: 'string',
      valueSerde: 'nullable(json)',
      successors: ['filter-0'],
    });
    expect(description.subtopologies[0]!.nodes[2]).toEqual({
      type: 'processor',
      name: 'check',
      operation: 'split',
      predecessors: ['filter-0'],
      successors: ['check-valid', 'check-invalid'],
    });
    expect(description.subtopologies[0]!.nodes[7]).toMatchObject({ type: 'sink', topic: null, predecessors: ['check-invalid'] });
  });

  it('is plain data that survives a JSON round trip', () => {
    const description = sampleTopology().describe();
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });

  it('prints like a Kafka Streams TopologyDescription', () => {
    const text = formatTopologyDescription(sampleTopology().describe());
    expect(text).toBe(`Topologies:
  Sub-topology: 0
    Source: raw (topic: readings.raw, key: string, value: nullable(json))
      --> filter-0
    Processor: filter-0 (filter)
      --> check
      <-- raw
    Processor: check (split)
      --> check-valid, check-invalid
      <-- filter-0
    Processor: check-valid (branch)
      --> map-values-1
      <-- check
    Processor: map-values-1 (map-values)
      --> calibrated
      <-- check-valid
    Sink: calibrated (topic: readings.calibrated, key: string, value: json)
      <-- map-values-1
    Processor: check-invalid (branch)
      --> sink-2
      <-- check
    Sink: sink-2 (topic: <chosen per record>, key: string, value: json)
      <-- check-invalid
  Sub-topology: 1
    Source: source-3 (topic: other, key: string, value: string)
      --> peek-4
    Processor: peek-4 (peek)
      --> none
      <-- source-3
`);
    expect(String(sampleTopology())).toBe(text);
  });
});
