// Feeds typed records into a topology under test: encodes them with the serdes given, the
// way a producer would, and pipes the bytes through the driver. It never decodes anything;
// to send bytes a real producer could send but a serde would refuse, use bytesSerde().
import { CoreError } from '../core/errors.ts';
import type { Serializer } from '../core/serdes/serde.ts';
import type { DriverPort } from './driver-port.ts';

export interface PipeOptions {
  /** Epoch ms; defaults to the driver's wall-clock time. */
  readonly timestamp?: number;
  /** Header values as strings (UTF-8) or bytes. */
  readonly headers?: Readonly<Record<string, string | Buffer>> | ReadonlyMap<string, string | Buffer>;
  /** Defaults to 0. Offsets count up per partition, from 0. */
  readonly partition?: number;
}

export class TestInputTopic<K, V> {
  readonly name: string;
  private readonly keySerde: Serializer<K>;
  private readonly valueSerde: Serializer<V>;
  private readonly driver: DriverPort;
  constructor(
    name: string,
    keySerde: Serializer<K>,
    valueSerde: Serializer<V>,
    driver: DriverPort,
  ) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.driver = driver;
  }

  /** Pipes one record and processes it before returning; answers the offset it got. */
  pipeInput(key: K, value: V, options: PipeOptions = {}): bigint {
    return this.pipeBytes(this.keySerde.serialize(key, this.name), this.valueSerde.serialize(value, this.name), options);
  }

  /** Pipes a tombstone: `key` with a null value. */
  pipeTombstone(key: K, options: PipeOptions = {}): bigint {
    return this.pipeBytes(this.keySerde.serialize(key, this.name), null, options);
  }

  /** Pipes each `[key, value]` in order; answers their offsets. */
  pipeKeyValueList(records: Iterable<readonly [K, V]>, options: PipeOptions = {}): bigint[] {
    return [...records].map(([key, value]) => this.pipeInput(key, value, options));
  }

  private pipeBytes(key: Buffer | null, value: Buffer | null, options: PipeOptions): bigint {
    const partition = options.partition ?? 0;
    if (!Number.isInteger(partition) || partition < 0) {
      throw new CoreError('CONFIG_INVALID', `pipeInput options.partition must be a non-negative integer, got ${String(partition)}`);
    }
    const headers = new Map<string, Buffer>();
    const given: Iterable<readonly [string, string | Buffer]> =
      options.headers instanceof Map ? options.headers.entries() : Object.entries(options.headers ?? {});
    for (const [name, header] of given) headers.set(name, typeof header === 'string' ? Buffer.from(header, 'utf8') : header);
    return this.driver.pipe({ topic: this.name, partition, key, value, timestamp: options.timestamp, headers });
  }
}
