/**
 * `kalibra/testing`: run a topology in a unit test, without a broker.
 *
 * The TopologyTestDriver drives your topology through the same Task contract as the
 * runtime, synchronously: a piped record has been processed when pipeInput returns, and the
 * wall clock moves only when you move it.
 *
 * ```ts
 * import { StreamsBuilder, jsonSerde, stringSerde } from 'kalibra';
 * import { TopologyTestDriver } from 'kalibra/testing';
 * import { z } from 'zod';
 *
 * // 1. Build the topology as in production.
 * const Reading = z.object({ sensor: z.string(), value: z.number() });
 * const builder = new StreamsBuilder();
 * builder
 *   .stream('readings', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) })
 *   .filter((_key, reading) => reading.value >= 0)
 *   .mapValues((reading) => ({ ...reading, value: reading.value * 2 }))
 *   .to('doubled', { keySerde: stringSerde(), valueSerde: jsonSerde(Reading) });
 *
 * // 2. Start a driver on it; fix the clock if punctuations matter.
 * const driver = new TopologyTestDriver(builder.build(), { wallClockTime: 0 });
 *
 * // 3. Pipe typed records in...
 * const readings = driver.createInputTopic('readings', stringSerde(), jsonSerde(Reading));
 * readings.pipeInput('s1', { sensor: 's1', value: 1.5 }, { timestamp: 1_000 });
 *
 * // 4. ...and read typed records out. Reading consumes; reading an empty topic throws.
 * const doubled = driver.createOutputTopic('doubled', stringSerde(), jsonSerde(Reading));
 * doubled.readKeyValue(); // ['s1', { sensor: 's1', value: 3 }]
 * doubled.isEmpty();      // true
 *
 * // 5. Bad input goes to the dead-letter topic with the kalibra.* headers, decoded for you.
 * const raw = driver.createInputTopic('readings', stringSerde(), stringSerde());
 * raw.pipeInput('s1', 'not json');
 * driver.createDeadLetterTopic().readDeadLetter().code; // 'DESERIALIZATION_FAILED'
 *
 * // 6. Punctuations run when you advance the wall clock.
 * driver.advanceWallClockTime(60_000);
 *
 * driver.close();
 * ```
 *
 * Offsets count from 0 per input partition (`pipeInput(k, v, { partition })`, answered by
 * pipeInput and by `driver.nextOffset(topic, partition)`), so dead letters carry real source
 * positions. With `onError: failOnError` a bad record makes pipeInput throw its error, and
 * the driver, like a stopped runtime, refuses everything after that.
 */
export { TopologyTestDriver } from './topology-test-driver.ts';
export type { TopologyTestDriverOptions } from './topology-test-driver.ts';
export { TestInputTopic } from './test-input-topic.ts';
export type { PipeOptions } from './test-input-topic.ts';
export { TestOutputTopic } from './test-output-topic.ts';
export type { TestRecord } from './test-output-topic.ts';
export { TestDeadLetterTopic } from './test-dead-letter-topic.ts';
export type { DeadLetter } from './test-dead-letter-topic.ts';
