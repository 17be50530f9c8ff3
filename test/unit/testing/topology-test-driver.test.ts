import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../topology/index.ts';
import type { SourceRecord, TaskFactory } from '../../../topology/index.ts';
import { TopologyTestDriver } from '../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

function echo(): TopologyTestDriver {
  const builder = new StreamsBuilder();
  builder.stream('in', strings).to('out', strings);
  return new TopologyTestDriver(builder.build(), { wallClockTime: 5_000 });
}

describe('TopologyTestDriver', () => {
  it('counts offsets from 0 per input partition', () => {
    const driver = echo();
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    expect(input.pipeInput('a', '1')).toBe(0n);
    expect(input.pipeInput('b', '2', { partition: 1 })).toBe(0n);
    expect(input.pipeInput('c', '3')).toBe(1n);
    expect([driver.nextOffset('in'), driver.nextOffset('in', 1), driver.nextOffset('in', 2)]).toEqual([2n, 1n, 0n]);
  });

  it('stamps a piped record with the wall-clock time unless a timestamp is given', () => {
    const driver = echo();
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    input.pipeInput('a', '1');
    driver.advanceWallClockTime(10);
    input.pipeInput('b', '2');
    input.pipeInput('c', '3', { timestamp: 7 });
    expect(driver.createOutputTopic('out', stringSerde(), stringSerde()).readRecordsToList().map((r) => r.timestamp)).toEqual([5_000, 5_010, 7]);
  });

  it('accepts headers as a Map of strings or bytes', () => {
    const driver = echo();
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('a', '1', { headers: new Map([['raw', Buffer.from([1, 2])]]) });
    expect([...driver.createOutputTopic('out', stringSerde(), stringSerde()).readRecord().headers.get('raw')!]).toEqual([1, 2]);
  });

  it('fails loudly when a test reads a record that was never written', () => {
    const out = echo().createOutputTopic('out', stringSerde(), stringSerde());
    expect(out.isEmpty()).toBe(true);
    expect(() => out.readKeyValue()).toThrow(/output topic "out" has no record left to read/);
  });

  it('refuses an input topic the topology does not read, listing the ones it does', () => {
    expect(() => echo().createInputTopic('typo', stringSerde(), stringSerde())).toThrow(/does not read topic "typo"; it reads: in/);
  });

  it('refuses options that are not valid, naming them', () => {
    const topology = (() => {
      const builder = new StreamsBuilder();
      builder.stream('in', strings);
      return builder.build();
    })();
    expect(() => new TopologyTestDriver(topology, { dlqTopic: '' })).toThrow(/options\.dlqTopic/);
    expect(() => new TopologyTestDriver(topology, { wallClockTime: -1 })).toThrow(/options\.wallClockTime/);
    expect(() => new TopologyTestDriver(topology).advanceWallClockTime(-5)).toThrow(/advanceWallClockTime/);
  });

  it('closes the task on close() and refuses input afterwards', () => {
    let closed = 0;
    const builder = new StreamsBuilder();
    builder.stream('in', strings).process(() => ({ process: () => undefined, close: () => closed++ }));
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', stringSerde(), stringSerde());
    driver.close();
    driver.close();
    expect(closed).toBe(1);
    expect(() => input.pipeInput('a', '1')).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });

  it('drives any TaskFactory through the Task contract, not only topologies built with the DSL', () => {
    const seen: SourceRecord[] = [];
    const factory: TaskFactory = {
      sourceTopics: ['bytes-in'],
      sinkTopics: ['bytes-out'],
      createTask: (io) => ({
        process: (record) => {
          seen.push(record);
          io.send({ topic: 'bytes-out', key: record.key, value: record.value, timestamp: BigInt(io.now()) });
        },
        punctuate: () => undefined,
        close: () => undefined,
      }),
    };
    const driver = new TopologyTestDriver(factory, { wallClockTime: 77 });
    driver.createInputTopic('bytes-in', stringSerde(), stringSerde()).pipeInput('k', 'v', { timestamp: 1 });
    expect(seen[0]).toMatchObject({ topic: 'bytes-in', partition: 0, offset: 0n, timestamp: 1n });
    expect(driver.createOutputTopic('bytes-out', stringSerde(), stringSerde()).readRecord()).toMatchObject({ key: 'k', value: 'v', timestamp: 77 });
  });
});
