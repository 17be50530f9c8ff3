import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamsBuilder, jsonSerde, stringSerde } from '../../../../../topology/index.js';
import { TopologyTestDriver } from '../../../../../topology/testing/index.js';

const Celsius = z.object({ celsius: z.number() });
const Kelvin = z.object({ kelvin: z.number() });

describe('mapValues', () => {
  it('replaces the value and keeps the key', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', { keySerde: stringSerde(), valueSerde: jsonSerde(Celsius) })
      .mapValues((value) => ({ kelvin: value.celsius + 273.15 }))
      .to('out', { keySerde: stringSerde(), valueSerde: jsonSerde(Kelvin) });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), jsonSerde(Celsius)).pipeInput('s1', { celsius: 20 });
    expect(driver.createOutputTopic('out', stringSerde(), jsonSerde(Kelvin)).readKeyValue()).toEqual(['s1', { kelvin: 293.15 }]);
  });

  it('gives the mapper the key as its second argument', () => {
    const builder = new StreamsBuilder();
    const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };
    builder.stream('in', strings).mapValues((value, key) => `${key}=${value}`).to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('a', '1');
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readValue()).toBe('a=1');
  });
});
