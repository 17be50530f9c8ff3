import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeadLetterHeaders, KalibraError, StreamsBuilder, jsonSerde, stringSerde } from '../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../topology/testing/index.ts';

const Reading = z.object({ sensor_id: z.string(), value: z.number() });
const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

function readingsDriver(options: { process?: (value: z.infer<typeof Reading>) => number } = {}): TopologyTestDriver {
  const builder = new StreamsBuilder();
  const process = options.process ?? ((value) => value.value);
  builder
    .stream('raw', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) })
    .mapValues((reading) => ({ ...reading, value: process(reading) }))
    .to('out', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) });
  return new TopologyTestDriver(builder.build(), { dlqTopic: 'raw.dlq' });
}

describe('dead-lettering inside the task', () => {
  it('sends a value that is not JSON to the DLQ with the original bytes and the kalibra headers', () => {
    const driver = readingsDriver();
    const raw = driver.createInputTopic('raw', stringSerde(), stringSerde());
    raw.pipeInput('s1|1', '{"sensor_id":"s1","value":1}');
    const offset = raw.pipeInput('s1|2', 'not json', { partition: 0, headers: { origin: 'api' } });
    const letter = driver.createDeadLetterTopic().readDeadLetter();
    expect(letter.key?.toString()).toBe('s1|2');
    expect(letter.value?.toString()).toBe('not json');
    expect(letter.code).toBe('DESERIALIZATION_FAILED');
    expect(letter.message).toMatch(/^value of raw\[0\]@1: /);
    expect(letter.source).toEqual({ topic: 'raw', partition: 0, offset });
    expect(offset).toBe(1n);
    expect(letter.headers.get('origin')?.toString()).toBe('api');
    expect(letter.headers.get(DeadLetterHeaders.errorCode)?.toString()).toBe('DESERIALIZATION_FAILED');
    expect(driver.createOutputTopic('out', stringSerde(), jsonSerde(Reading)).getQueueSize()).toBe(1);
  });

  it('sends a value the schema rejects to the DLQ with VALIDATION_FAILED naming the field', () => {
    const driver = readingsDriver();
    driver.createInputTopic('raw', stringSerde(), jsonSerde()).pipeInput('s1|1', { sensor_id: 's1', value: 'warm' });
    const letter = driver.createDeadLetterTopic().readDeadLetter();
    expect(letter.code).toBe('VALIDATION_FAILED');
    expect(letter.message).toMatch(/value: /);
  });

  it('sends a tombstone to the DLQ when the value serde is not nullable', () => {
    const driver = readingsDriver();
    driver.createInputTopic('raw', stringSerde(), stringSerde()).pipeTombstone('s1|1');
    const letter = driver.createDeadLetterTopic().readDeadLetter();
    expect([letter.code, letter.value]).toEqual(['DESERIALIZATION_FAILED', null]);
    expect(letter.message).toMatch(/nullableSerde/);
  });

  it('reports a key that cannot be decoded as a key error', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', { name: 'raw', serialize: (bytes: Buffer) => bytes }, stringSerde()).pipeInput(Buffer.from([0xff]), 'v');
    expect(driver.createDeadLetterTopic().readDeadLetter().message).toMatch(/^key of in\[0\]@0: /);
  });

  it('wraps an ordinary error a processor throws as PROCESSING_FAILED with the message kept', () => {
    const driver = readingsDriver({
      process: () => {
        throw new TypeError('boom');
      },
    });
    driver.createInputTopic('raw', stringSerde(), jsonSerde(Reading)).pipeInput('s1|1', { sensor_id: 's1', value: 1 });
    const letter = driver.createDeadLetterTopic().readDeadLetter();
    expect(letter.code).toBe('PROCESSING_FAILED');
    expect(letter.message).toMatch(/processor "map-values-1" threw: boom/);
  });

  it('keeps the code of a KalibraError a processor throws', () => {
    const driver = readingsDriver({
      process: (reading) => {
        if (!Number.isFinite(reading.value) || reading.value > 1000) throw new KalibraError('INVALID_VALUE', 'value out of range');
        return reading.value;
      },
    });
    driver.createInputTopic('raw', stringSerde(), jsonSerde(Reading)).pipeInput('s1|1', { sensor_id: 's1', value: 5000 });
    expect(driver.createDeadLetterTopic().readDeadLetter()).toMatchObject({ code: 'INVALID_VALUE', message: 'value out of range' });
  });

  it('sends nothing for a record that failed part way, even what an earlier branch already forwarded', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream('in', strings);
    stream.to('first', strings);
    stream
      .mapValues((value) => {
        if (value === 'bad') throw new Error('second branch failed');
        return value;
      })
      .to('second', strings);
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeInput('1', 'bad');
    input.pipeInput('2', 'good');
    expect(driver.createOutputTopic('first', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([['2', 'good']]);
    expect(driver.createOutputTopic('second', stringSerde(), stringSerde()).readKeyValuesToList()).toEqual([['2', 'good']]);
    expect(driver.createDeadLetterTopic().readDeadLettersToList().map((l) => l.key?.toString())).toEqual(['1']);
  });

  it('goes on with the next record after a dead letter', () => {
    const driver = readingsDriver();
    const raw = driver.createInputTopic('raw', stringSerde(), stringSerde());
    raw.pipeInput('a', '{');
    raw.pipeInput('b', '{"sensor_id":"b","value":2}');
    expect(driver.createOutputTopic('out', stringSerde(), jsonSerde(Reading)).readKeyValue()).toEqual(['b', { sensor_id: 'b', value: 2 }]);
  });
});
