import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamsBuilder, jsonSerde, nullableSerde, stringSerde } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

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

describe('mapValues on a stream with a nullable value serde', () => {
  it('hands a tombstone to the mapper as null, so a delete can be passed on as a delete', () => {
    const builder = new StreamsBuilder();
    const nullableCelsius = { keySerde: stringSerde(), valueSerde: nullableSerde(jsonSerde(Celsius)) };
    builder
      .stream('in', nullableCelsius)
      .mapValues((value) => (value === null ? null : { kelvin: value.celsius + 273.15 }))
      .to('out', { keySerde: stringSerde(), valueSerde: nullableSerde(jsonSerde(Kelvin)) });
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', stringSerde(), nullableSerde(jsonSerde(Celsius)));
    input.pipeInput('s1', { celsius: 0 });
    input.pipeTombstone('s1');
    expect(driver.createOutputTopic('out', stringSerde(), nullableSerde(jsonSerde(Kelvin))).readKeyValuesToList()).toEqual([
      ['s1', { kelvin: 273.15 }],
      ['s1', null],
    ]);
  });
});
