import { describe, expect, it } from 'vitest';
import { StreamsBuilder, stringSerde } from '../../../../topology/index.ts';
import type { Cancellable, ProcessorContext, ProcessorSupplier } from '../../../../topology/index.ts';
import { TopologyTestDriver } from '../../../../topology/testing/index.ts';

const strings = { keySerde: stringSerde(), valueSerde: stringSerde() };

/** Emits one 'tick' record per punctuation, stamped with the punctuation's time. */
function ticker(intervalMs: number, handle: { cancellable?: Cancellable; metadataSeen?: unknown[] } = {}): ProcessorSupplier<string, string, string, string> {
  return () => {
    let context: ProcessorContext<string, string>;
    return {
      init: (ctx) => {
        context = ctx;
        handle.cancellable = ctx.schedule(intervalMs, (now) => {
          handle.metadataSeen?.push(context.recordMetadata());
          context.forward({ key: 'tick', value: String(now), timestamp: now, headers: new Map() });
        });
      },
      process: () => undefined,
    };
  };
}

function start(supplier: ProcessorSupplier<string, string, string, string>): TopologyTestDriver {
  const builder = new StreamsBuilder();
  builder.stream('in', strings).process(supplier).to('ticks', strings);
  return new TopologyTestDriver(builder.build(), { wallClockTime: 1_000 });
}

const ticks = (driver: TopologyTestDriver): string[] =>
  driver.createOutputTopic('ticks', stringSerde(), stringSerde()).readKeyValuesToList().map(([, v]) => v);

describe('wall-clock punctuation', () => {
  it('runs first one interval after it was scheduled, with the time it ran', () => {
    const driver = start(ticker(100));
    driver.advanceWallClockTime(99);
    expect(ticks(driver)).toEqual([]);
    driver.advanceWallClockTime(1);
    expect(ticks(driver)).toEqual(['1100']);
    driver.advanceWallClockTime(100);
    expect(ticks(driver)).toEqual(['1200']);
  });

  it('runs once when the clock jumps several intervals, then keeps its rhythm', () => {
    const driver = start(ticker(100));
    driver.advanceWallClockTime(350);
    expect(ticks(driver)).toEqual(['1350']);
    driver.advanceWallClockTime(49);
    expect(ticks(driver)).toEqual([]);
    driver.advanceWallClockTime(1);
    expect(ticks(driver)).toEqual(['1400']);
  });

  it('stops running once cancelled', () => {
    const handle: { cancellable?: Cancellable } = {};
    const driver = start(ticker(100, handle));
    driver.advanceWallClockTime(100);
    handle.cancellable?.cancel();
    driver.advanceWallClockTime(500);
    expect(ticks(driver)).toEqual(['1100']);
  });

  it('has no record metadata inside a punctuation', () => {
    const handle = { metadataSeen: [] as unknown[] };
    const driver = start(ticker(10, handle));
    driver.createInputTopic('in', stringSerde(), stringSerde()).pipeInput('k', 'v');
    driver.advanceWallClockTime(10);
    expect(handle.metadataSeen).toEqual([undefined]);
  });

  it('runs due punctuations of several processors earliest first', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream('in', strings);
    stream.process(ticker(30), { name: 'slow' }).to('ticks', strings);
    stream.process(ticker(20), { name: 'fast' }).mapValues((v) => `fast ${v}`).to('ticks', strings);
    const driver = new TopologyTestDriver(builder.build(), { wallClockTime: 0 });
    driver.advanceWallClockTime(30);
    expect(ticks(driver)).toEqual(['fast 30', '30']);
  });

  it('stops the driver with PROCESSING_FAILED when a punctuation throws, since there is no record to dead-letter', () => {
    const driver = start(() => ({
      init: (ctx) => {
        ctx.schedule(10, () => {
          throw new Error('flush failed');
        });
      },
      process: () => undefined,
    }));
    expect(() => driver.advanceWallClockTime(10)).toThrow(expect.objectContaining({ code: 'PROCESSING_FAILED' }));
    expect(() => driver.advanceWallClockTime(10)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });

  it('refuses an interval that is not a positive number of milliseconds', () => {
    expect(() => start(ticker(0))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
