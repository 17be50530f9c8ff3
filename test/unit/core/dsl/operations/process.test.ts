import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../../topology/index.ts';
import type { ProcessorContext, ProcessorSupplier, RecordMetadata } from '../../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

describe('process', () => {
  it('calls init once, process per record and close once, on a new processor per task', () => {
    const calls: string[] = [];
    const supplier: ProcessorSupplier<string, string> = () => ({
      init: () => calls.push('init'),
      process: (record) => calls.push(`process ${record.value}`),
      close: () => calls.push('close'),
    });
    const builder = new StreamsBuilder();
    builder.stream('in', strings).process(supplier);
    const topology = builder.build();
    const driver = new TopologyTestDriver(topology);
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['a', '1'], ['b', '2']]);
    driver.close();
    expect(calls).toEqual(['init', 'process 1', 'process 2', 'close']);
    new TopologyTestDriver(topology).close();
    expect(calls.slice(4)).toEqual(['init', 'close']);
  });

  it('forwards to one named child only when asked, and to every child otherwise', () => {
    const router: ProcessorSupplier<string, string, string, string> = () => {
      let context: ProcessorContext<string, string>;
      return {
        init: (ctx) => (context = ctx),
        process: (record) => {
          if (record.value === 'all') context.forward(record);
          else context.forward(record, record.value === 'left' ? 'to-left' : 'to-right');
        },
      };
    };
    const builder = new StreamsBuilder();
    const routed = builder.stream('in', strings).process(router, { name: 'router' });
    routed.to('left', { ...strings, name: 'to-left' });
    routed.to('right', { ...strings, name: 'to-right' });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeKeyValueList([['1', 'left'], ['2', 'right'], ['3', 'all']]);
    const keys = (topic: string): string[] => driver.createOutputTopic(topic, stringSerde(), stringSerde()).readKeyValuesToList().map(([k]) => k);
    expect(keys('left')).toEqual(['1', '3']);
    expect(keys('right')).toEqual(['2', '3']);
  });

  it('exposes the topic, partition, offset, timestamp and headers of the record being processed', () => {
    const seen: RecordMetadata[] = [];
    const builder = new StreamsBuilder();
    builder.stream('in', strings).process<never, never>(() => {
      let context: ProcessorContext<never, never>;
      return {
        init: (ctx) => (context = ctx),
        process: () => {
          const metadata = context.recordMetadata();
          if (metadata !== undefined) seen.push(metadata);
        },
      };
    });
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeInput('a', '1', { partition: 2, timestamp: 500, headers: { source: 'unit' } });
    input.pipeInput('b', '2', { partition: 2, timestamp: 600 });
    expect(seen.map((m) => [m.topic, m.partition, m.offset, m.timestamp, m.headers.get('source')?.toString()])).toEqual([
      ['in', 2, 0n, 500, 'unit'],
      ['in', 2, 1n, 600, undefined],
    ]);
  });

  it('lets a processor set the timestamp and headers of what it forwards', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .process<string, string>(() => {
        let context: ProcessorContext<string, string>;
        return {
          init: (ctx) => (context = ctx),
          process: (record) => context.forward({ ...record, timestamp: 9, headers: new Map([['stage', Buffer.from('done')]]) }),
        };
      })
      .to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v', { timestamp: 1 });
    const record = driver.createOutputTopic('out', stringSerde(), stringSerde()).readRecord();
    expect([record.timestamp, record.headers.get('stage')?.toString()]).toEqual([9, 'done']);
  });

  it('dead-letters the source record when a processor forwards to a child it does not have', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .process<string, string>(() => {
        let context: ProcessorContext<string, string>;
        return { init: (ctx) => (context = ctx), process: (record) => context.forward(record, 'nowhere') };
      })
      .to('out', strings);
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v');
    const letter = driver.createDeadLetterTopic().readDeadLetter();
    expect(letter.code).toBe('PROCESSING_FAILED');
    expect(letter.message).toMatch(/unknown child "nowhere"/);
  });
});

describe('process with an async processor', () => {
  it('dead-letters the record instead of losing the outcome of a process() that returns a promise', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).process(() => ({
      // eslint-disable-next-line @typescript-eslint/require-await, @typescript-eslint/no-misused-promises -- the mistake under test
      process: async () => {
        throw new Error('rejected later');
      },
    }));
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v');
    expect(driver.createDeadLetterTopic().readDeadLetter().message).toMatch(/returned a promise; process\(\) must be synchronous/);
  });
});
