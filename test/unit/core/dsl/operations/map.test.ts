import { describe, expect, it } from 'vitest';
import { StreamsBuilder, jsonSerde, stringSerde } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

describe('map', () => {
  it('replaces key and value with the pair the mapper returns, keeping the timestamp', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', { keySerde: stringSerde(), valueSerde: jsonSerde() })
      .map((key, value) => [key.toUpperCase(), { wrapped: value }])
      .to('out', { keySerde: stringSerde(), valueSerde: jsonSerde() });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), jsonSerde()).pipeInput('k1', 7, { timestamp: 1_000 });
    const record = driver.createOutputTopic('out', stringSerde(), jsonSerde()).readRecord();
    expect([record.key, record.value, record.timestamp]).toEqual(['K1', { wrapped: 7 }, 1_000]);
  });
});
