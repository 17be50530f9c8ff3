import { describe, expect, it } from 'vitest';
import { StreamsBuilder, jsonSerde, nullableSerde, stringSerde } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

describe('to', () => {
  it('writes every record to a fixed topic with the sink serdes', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).mapValues((v) => ({ v })).to('out', { keySerde: stringSerde(), valueSerde: jsonSerde() });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'x');
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readValue()).toBe('{"v":"x"}');
  });

  it('writes each record to the topic the extractor picks for it', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).to((record) => `by-key.${record.key}`, strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['a', '1'], ['b', '2'], ['a', '3']]);
    expect(driver.createOutputTopic('by-key.a', stringSerde(), stringSerde()).readKeyValuesToList().map(([, v]) => v)).toEqual(['1', '3']);
    expect(driver.createOutputTopic('by-key.b', stringSerde(), stringSerde()).readValue()).toBe('2');
  });

  it('writes a tombstone through a nullable value serde', () => {
    const builder = new StreamsBuilder();
    const nullableStrings = { keySerde: stringSerde(), valueSerde: nullableSerde(stringSerde()) };
    builder.stream('in', nullableStrings).to('out', nullableStrings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeTombstone('gone');
    expect(driver.createOutputTopic('out', stringSerde(), nullableSerde(stringSerde())).readKeyValue()).toEqual(['gone', null]);
  });

  it('dead-letters the source record with SERIALIZATION_FAILED when the sink serde cannot encode the value', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).mapValues(() => () => 'a function').to('out', { keySerde: stringSerde(), valueSerde: jsonSerde() });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v');
    expect(driver.createDeadLetterTopic().readDeadLetter().code).toBe('SERIALIZATION_FAILED');
    expect(driver.producedTopicNames()).toEqual(['dlq']);
  });

  it('dead-letters the source record when the topic extractor returns no topic', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).to(() => '', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v');
    const letter = driver.createDeadLetterTopic().readDeadLetter();
    expect([letter.code, letter.message]).toEqual(['PROCESSING_FAILED', expect.stringMatching(/topic extractor/)]);
  });

  it('lists fixed sink topics, not extracted ones, in sinkTopics', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream('in', strings);
    stream.to('fixed', strings);
    stream.to(() => 'dynamic', strings);
    const topology = builder.build();
    expect(topology.sourceTopics).toEqual(['in']);
    expect(topology.sinkTopics).toEqual(['fixed']);
  });
});
