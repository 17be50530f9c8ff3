import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamsBuilder, jsonSerde, nullableSerde, stringSerde } from '../../../topology/index.ts';
import { TopologyTestDriver } from '../../../topology/testing/index.ts';

// The example at the top of topology/core/README.md, kept honest: change both together.
describe('the topology/core README example', () => {
  it('calibrates readings and passes tombstones on as tombstones', () => {
    const Reading = z.object({ sensor_id: z.string(), value: z.number() });
    type Reading = z.infer<typeof Reading>;
    const isReading = (_key: string, value: Reading | null): value is Reading => value !== null;

    const builder = new StreamsBuilder();
    const { readings, deletes } = builder
      .stream('readings.raw', { keySerde: stringSerde(), valueSerde: nullableSerde(jsonSerde(Reading)) })
      .split()
      .branch(isReading, 'readings')
      .defaultBranch('deletes');
    readings
      .mapValues((reading) => ({ ...reading, value: reading.value * 0.98 + 2.5 }))
      .to('readings.calibrated', { keySerde: stringSerde(), valueSerde: nullableSerde(jsonSerde(Reading)) });
    deletes.to('readings.calibrated', { keySerde: stringSerde(), valueSerde: nullableSerde(jsonSerde(Reading)) });
    const topology = builder.build();
    expect(String(topology)).toContain('Source: source-0 (topic: readings.raw, key: string, value: nullable(json(schema)))');

    const driver = new TopologyTestDriver(topology);
    const raw = driver.createInputTopic('readings.raw', stringSerde(), jsonSerde(Reading));
    raw.pipeInput('s1|1', { sensor_id: 's1', value: 10 });
    raw.pipeTombstone('s1|1');
    expect(driver.createOutputTopic('readings.calibrated', stringSerde(), nullableSerde(jsonSerde(Reading))).readKeyValuesToList()).toEqual([
      ['s1|1', { sensor_id: 's1', value: 12.3 }],
      ['s1|1', null],
    ]);
  });
});
