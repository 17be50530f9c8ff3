import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../../topology/index.ts';
import type { KStream } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

function driverFor(build: (stream: KStream<string, string>) => void): TopologyTestDriver {
  const builder = new StreamsBuilder();
  build(builder.stream('in', strings));
  return new TopologyTestDriver(builder.build());
}

describe('split', () => {
  it('sends each record to the first branch whose predicate accepts it, the rest to the default branch', () => {
    const driver = driverFor((stream) => {
      const branches = stream
        .split()
        .branch((_k, v) => v.startsWith('a'), 'a')
        .branch((_k, v) => v.startsWith('a') || v.startsWith('b'), 'ab')
        .defaultBranch();
      branches.a.to('out-a', strings);
      branches.ab.to('out-ab', strings);
      branches.default.to('out-rest', strings);
    });
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['1', 'apple'], ['2', 'banana'], ['3', 'cherry']]);
    const read = (topic: string): string[] => driver.createOutputTopic(topic, stringSerde(), stringSerde()).readKeyValuesToList().map(([, v]) => v);
    expect(read('out-a')).toEqual(['apple']);
    expect(read('out-ab')).toEqual(['banana']);
    expect(read('out-rest')).toEqual(['cherry']);
  });

  it('drops records no branch accepts when there is no default branch', () => {
    const driver = driverFor((stream) => {
      stream.split().branch((_k, v) => v === 'yes', 'yes').noDefaultBranch().yes.to('out', strings);
    });
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['1', 'no'], ['2', 'yes']]);
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([['2', 'yes']]);
    expect(driver.producedTopicNames()).toEqual(['out']);
  });

  it('names the default branch as asked and narrows a branch typed by a type guard', () => {
    const builder = new StreamsBuilder();
    const parsed = builder.stream('in', strings).mapValues((v): number | string => (Number.isNaN(Number(v)) ? v : Number(v)));
    const { numbers, words } = parsed
      .split({ name: 'by-type' })
      .branch((_k, v): v is number => typeof v === 'number', 'numbers')
      .defaultBranch('words');
    numbers.mapValues((n) => String(n + 1)).to('out', strings);
    words.mapValues((w) => String(w)).to('words', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['1', '41'], ['2', 'x']]);
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readValue()).toBe('42');
    expect(driver.createOutputTopic('words', stringSerde(), stringSerde()).readValue()).toBe('x');
  });

  it('refuses a second branch with the same name', () => {
    const builder = new StreamsBuilder();
    const split = builder.stream('in', strings).split().branch(() => true, 'x');
    expect(() => split.branch(() => true, 'x')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses a branch after the default branch closed the split', () => {
    const builder = new StreamsBuilder();
    const split = builder.stream('in', strings).split().branch(() => true, 'x');
    split.defaultBranch();
    expect(() => split.branch(() => true, 'y')).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });
});
