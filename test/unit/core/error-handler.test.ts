import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CoreError, StreamsBuilder, decideOnError, failOnError, jsonSerde, stringSerde } from '../../../topology/index.ts';
import type { ErrorHandler, SourceRecord } from '../../../topology/index.ts';
import { errorHandlerOption } from '../../../topology/core/error-handler.ts';
import { TopologyTestDriver } from '../../../topology/testing/index.ts';

const Reading = z.object({ value: z.number() });

function driverWith(onError: ErrorHandler): TopologyTestDriver {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) }).to('out', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) });
  return new TopologyTestDriver(builder.build(), { onError });
}

const source: SourceRecord = { topic: 't', partition: 0, offset: 0n, timestamp: 0n, key: null, value: null, headers: new Map() };
const error = new CoreError('VALIDATION_FAILED', 'bad');

describe('the onError handler', () => {
  it('with failOnError makes pipeInput throw the original error and writes nothing', () => {
    const driver = driverWith(failOnError);
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    expect(() => input.pipeInput('k', '{"value":"x"}')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(driver.producedTopicNames()).toEqual([]);
  });

  it('after a fail decision refuses every later record, as a stopped runtime would', () => {
    const driver = driverWith(failOnError);
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    expect(() => input.pipeInput('k', '{')).toThrow();
    expect(() => input.pipeInput('k', '{"value":1}')).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });

  it('can choose per error code: dead-letter validation failures, fail on anything else', () => {
    const driver = driverWith((_record, failure) => (failure.code === 'VALIDATION_FAILED' ? 'dead-letter' : 'fail'));
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeInput('k', '{"value":"x"}');
    expect(driver.createDeadLetterTopic().readDeadLetter().code).toBe('VALIDATION_FAILED');
    expect(() => input.pipeInput('k', 'not json')).toThrow(expect.objectContaining({ code: 'DESERIALIZATION_FAILED' }));
  });

  it('gets the source record with its position', () => {
    const seen: string[] = [];
    const driver = driverWith((record) => {
      seen.push(`${record.topic}[${record.partition}]@${record.offset}`);
      return 'dead-letter';
    });
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeInput('k', '{', { partition: 3 });
    input.pipeInput('k', '{', { partition: 3 });
    expect(seen).toEqual(['in[3]@0', 'in[3]@1']);
  });
});

describe('decideOnError', () => {
  it('treats a handler that throws as a fail decision', () => {
    expect(
      decideOnError(
        () => {
          throw new Error('broken handler');
        },
        source,
        error,
      ),
    ).toBe('fail');
  });

  it('treats an answer other than dead-letter or fail as a fail decision', () => {
    expect(decideOnError((() => 'skip') as unknown as ErrorHandler, source, error)).toBe('fail');
    expect(decideOnError(() => 'dead-letter', source, error)).toBe('dead-letter');
  });
});

describe('errorHandlerOption', () => {
  it('defaults to dead-lettering and rejects a non-function naming the option', () => {
    expect(errorHandlerOption(undefined, 'options.onError')(source, error)).toBe('dead-letter');
    expect(() => errorHandlerOption('fail', 'options.onError')).toThrow(/options\.onError must be a function/);
  });
});
