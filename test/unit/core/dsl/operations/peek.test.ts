import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

describe('peek', () => {
  it('sees every record and forwards it unchanged', () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream('in', strings).peek((key, value) => seen.push(`${key}:${value}`)).to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['a', '1'], ['b', '2']]);
    expect(seen).toEqual(['a:1', 'b:2']);
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([['a', '1'], ['b', '2']]);
  });
});
