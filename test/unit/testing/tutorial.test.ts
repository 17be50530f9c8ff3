import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamsBuilder, jsonSerde, stringSerde } from '../../../topology/index.ts';
import { TopologyTestDriver } from '../../../topology/testing/index.ts';

// The example in the module doc of topology/testing/index.ts, kept honest: if this test
// changes, change the doc too.
describe('the kalibra/testing tutorial', () => {
  it('runs as written', () => {
    const Reading = z.object({ sensor: z.string(), value: z.number() });
    const builder = new StreamsBuilder();
    builder
      .stream('readings', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) })
      .filter((_key, reading) => reading.value >= 0)
      .mapValues((reading) => ({ ...reading, value: reading.value * 2 }))
      .to('doubled', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) });

    const driver = new TopologyTestDriver(builder.build(), { wallClockTime: 0 });

    const readings = driver.createInputTopic('readings', stringSerde(), jsonSerde(Reading));
    readings.pipeInput('s1', { sensor: 's1', value: 1.5 }, { timestamp: 1_000 });

    const doubled = driver.createOutputTopic('doubled', stringSerde(), jsonSerde(Reading));
    expect(doubled.readKeyValue()).toEqual(['s1', { sensor: 's1', value: 3 }]);
    expect(doubled.isEmpty()).toBe(true);

    const raw = driver.createInputTopic('readings', stringSerde(), stringSerde());
    raw.pipeInput('s1', 'not json');
    expect(driver.createDeadLetterTopic().readDeadLetter().code).toBe('DESERIALIZATION_FAILED');

    driver.advanceWallClockTime(60_000);
    driver.close();
  });
});
