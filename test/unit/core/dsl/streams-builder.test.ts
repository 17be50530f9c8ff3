import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../topology/index.ts';
import type { Serde } from '../../../../topology/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

describe('StreamsBuilder', () => {
  it('refuses to build a topology that reads no topic', () => {
    expect(() => new StreamsBuilder().build()).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID' }));
  });

  it('refuses a second stream on the same topic', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings);
    expect(() => builder.stream('in', strings)).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID' }));
  });

  it('names the option when a serde is missing', () => {
    const builder = new StreamsBuilder();
    const options = { keySerde: stringSerde() } as unknown as { keySerde: Serde<string>; valueSerde: Serde<string> };
    expect(() => builder.stream('in', options)).toThrow(/stream\("in", options\)\.valueSerde must be a serde/);
  });

  it('names the option when a topic or a function is missing', () => {
    const stream = new StreamsBuilder().stream('in', strings);
    expect(() => stream.to('', strings)).toThrow(/to\(topic\) must be a non-empty topic name/);
    expect(() => stream.filter(undefined as unknown as () => boolean)).toThrow(/filter\(predicate\) must be a function/);
  });

  it('refuses a node name that is already taken', () => {
    const stream = new StreamsBuilder().stream('in', { ...strings, name: 'input' });
    expect(() => stream.peek(() => undefined, { name: 'input' })).toThrow(/already the name of another node/);
  });

  it('freezes the topology at build: adding to it afterwards is refused', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream('in', strings);
    builder.build();
    expect(() => stream.to('late', strings)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });
});
