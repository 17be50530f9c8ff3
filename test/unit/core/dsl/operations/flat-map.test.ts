import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

describe('flatMap', () => {
  it('forwards every pair the mapper returns, in order, and nothing for an empty result', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .flatMap((key, value) => value.split(' ').filter((word) => word !== '').map((word, i) => [`${key}-${i}`, word] as const))
      .to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeInput('a', 'one two');
    input.pipeInput('b', '');
    input.pipeInput('c', 'three');
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([
      ['a-0', 'one'],
      ['a-1', 'two'],
      ['c-0', 'three'],
    ]);
  });

  it('accepts any iterable, such as a generator', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .flatMap(function* (key, value) {
        for (let i = 0; i < Number(value); i++) yield [key, String(i)] as const;
      })
      .to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', '3');
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readKeyValuesToList().map(([, v]) => v)).toEqual(['0', '1', '2']);
  });
});
