// Reads what a topology under test wrote to one topic, decoded with the serdes given, oldest
// first. Reading consumes: each record is read once. Reading an empty topic is an error, so
// a test that expects a record and gets none fails on the line that expected it.
import { CoreError } from '../core/errors.ts';
import type { KeyValue } from '../core/record.ts';
import type { Deserializer } from '../core/serdes/serde.ts';
import type { DriverPort } from './driver-port.ts';

export interface TestRecord<K, V> {
  readonly topic: string;
  readonly key: K;
  readonly value: V;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly headers: ReadonlyMap<string, Buffer>;
  /** Set only when the topology chose a partition itself. */
  readonly partition?: number;
}

export class TestOutputTopic<K, V> {
  readonly name: string;
  private readonly keySerde: Deserializer<K>;
  private readonly valueSerde: Deserializer<V>;
  private readonly driver: DriverPort;
  constructor(
    name: string,
    keySerde: Deserializer<K>,
    valueSerde: Deserializer<V>,
    driver: DriverPort,
  ) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.driver = driver;
  }

  readRecord(): TestRecord<K, V> {
    const output = this.driver.take(this.name);
    if (output === undefined) {
      throw new CoreError('STATE_INVALID', `output topic "${this.name}" has no record left to read`);
    }
    return {
      topic: output.topic,
      key: this.keySerde.deserialize(output.key, this.name),
      value: this.valueSerde.deserialize(output.value, this.name),
      timestamp: Number(output.timestamp ?? 0n),
      headers: output.headers ?? new Map<string, Buffer>(),
      ...(output.partition === undefined ? {} : { partition: output.partition }),
    };
  }

  readKeyValue(): KeyValue<K, V> {
    const record = this.readRecord();
    return [record.key, record.value];
  }

  readValue(): V {
    return this.readRecord().value;
  }

  /** Every record not read yet, oldest first; the topic is empty afterwards. */
  readRecordsToList(): TestRecord<K, V>[] {
    const records: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) records.push(this.readRecord());
    return records;
  }

  readKeyValuesToList(): KeyValue<K, V>[] {
    return this.readRecordsToList().map((record) => [record.key, record.value] as const);
  }

  getQueueSize(): number {
    return this.driver.queueSize(this.name);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }
}
