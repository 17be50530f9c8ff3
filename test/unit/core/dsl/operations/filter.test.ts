import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

describe('filter', () => {
  it('forwards the records the predicate accepts and drops the others', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).filter((_key, value) => value.startsWith('keep')).to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeKeyValueList([['a', 'keep 1'], ['b', 'drop'], ['c', 'keep 2']]);
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([['a', 'keep 1'], ['c', 'keep 2']]);
  });

  it('keeps the timestamp and headers of the records it forwards', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).filter(() => true).to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v', { timestamp: 42, headers: { trace: 'abc' } });
    const record = driver.createOutputTopic('out', stringSerde(), stringSerde()).readRecord();
    expect(record.timestamp).toBe(42);
    expect(record.headers.get('trace')?.toString()).toBe('abc');
  });

  it('narrows the value type when the predicate is a type guard', () => {
    const builder = new StreamsBuilder();
    const values = { keySerde: stringSerde(), valueSerde: stringSerde() };
    builder
      .stream('in', values)
      .mapValues((value): string | number => (/^\d+$/.test(value) ? Number(value) : value))
      .filter((_key, value): value is number => typeof value === 'number')
      .mapValues((value) => String(value * 10))
      .to('out', values);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['a', '4'], ['b', 'x']]);
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([['a', '40']]);
  });
});
