// Runs a topology synchronously, without a broker, through the same Task contract the
// runtime uses: pipe a record in, it is processed before pipeInput returns, read what came
// out. The wall clock only moves when the test moves it. It must never sleep, spawn or
// touch the network, so a test using it is fast and deterministic.
import { deadLetterRecord } from '../core/dead-letter.ts';
import { decideOnError, errorHandlerOption } from '../core/error-handler.ts';
import type { ErrorHandler } from '../core/error-handler.ts';
import { CoreError, isKalibraError } from '../core/errors.ts';
import type { KalibraError } from '../core/errors.ts';
import type { Deserializer, Serializer } from '../core/serdes/serde.ts';
import type { OutputRecord, SourceRecord, Task, TaskFactory, TaskIO } from '../core/task.ts';
import type { DriverPort, PipedRecord } from './driver-port.ts';
import { TestDeadLetterTopic } from './test-dead-letter-topic.ts';
import { TestInputTopic } from './test-input-topic.ts';
import { TestOutputTopic } from './test-output-topic.ts';

export interface TopologyTestDriverOptions {
  /** Where dead letters go; read them with createDeadLetterTopic(). Default `dlq`. */
  readonly dlqTopic?: string;
  /** Decides per failed record, as the runtime's option does. Default: dead-letter everything. */
  readonly onError?: ErrorHandler;
  /** The wall clock at start, epoch ms. Default Date.now(). */
  readonly wallClockTime?: number;
}

export class TopologyTestDriver {
  readonly dlqTopic: string;
  private readonly onError: ErrorHandler;
  private readonly outputs = new Map<string, OutputRecord[]>();
  private readonly offsets = new Map<string, bigint>();
  private readonly task: Task;
  private readonly port: DriverPort;
  private clock: number;
  private failure: KalibraError | undefined;
  private closed = false;

  private readonly topology: TaskFactory;
  constructor(
    topology: TaskFactory,
    options: TopologyTestDriverOptions = {},
  ) {
    this.topology = topology;
    const dlqTopic: unknown = options.dlqTopic ?? 'dlq';
    if (typeof dlqTopic !== 'string' || dlqTopic === '') throw new CoreError('CONFIG_INVALID', 'options.dlqTopic must be a non-empty topic name');
    const start: unknown = options.wallClockTime ?? Date.now();
    if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) {
      throw new CoreError('CONFIG_INVALID', 'options.wallClockTime must be epoch milliseconds (a non-negative integer)');
    }
    this.dlqTopic = dlqTopic;
    this.clock = start;
    this.onError = errorHandlerOption(options.onError, 'options.onError');
    this.port = {
      pipe: (record) => this.pipe(record),
      take: (topic) => this.outputs.get(topic)?.shift(),
      queueSize: (topic) => this.outputs.get(topic)?.length ?? 0,
    };
    const io: TaskIO = {
      send: (record) => this.append(record),
      deadLetter: (source, error) => this.deadLetter(source, error),
      now: () => this.clock,
    };
    this.task = topology.createTask(io);
  }

  /** A topic the topology reads; pipe typed records into it. */
  createInputTopic<K, V>(name: string, keySerde: Serializer<K>, valueSerde: Serializer<V>): TestInputTopic<K, V> {
    if (!this.topology.sourceTopics.includes(name)) {
      throw new CoreError('CONFIG_INVALID', `the topology does not read topic "${name}"; it reads: ${this.topology.sourceTopics.join(', ')}`);
    }
    return new TestInputTopic(name, keySerde, valueSerde, this.port);
  }

  /** Any topic the topology may write, including ones a topic extractor picks per record. */
  createOutputTopic<K, V>(name: string, keySerde: Deserializer<K>, valueSerde: Deserializer<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(name, keySerde, valueSerde, this.port);
  }

  /** The dead-letter topic, with the `kalibra.*` headers decoded. */
  createDeadLetterTopic(): TestDeadLetterTopic {
    return new TestDeadLetterTopic(this.dlqTopic, this.port);
  }

  /** Moves the wall clock forward and runs every punctuation that is due, once. */
  advanceWallClockTime(ms: number): void {
    this.assertUsable();
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new CoreError('CONFIG_INVALID', `advanceWallClockTime(ms) needs a non-negative integer, got ${String(ms)}`);
    }
    this.clock += ms;
    this.guard(() => this.task.punctuate(this.clock));
  }

  get wallClockTime(): number {
    return this.clock;
  }

  /** The offset the next record piped into `topic`/`partition` will get. */
  nextOffset(topic: string, partition = 0): bigint {
    return this.offsets.get(partitionKey(topic, partition)) ?? 0n;
  }

  /** Every topic written so far, the dead-letter topic included. */
  producedTopicNames(): string[] {
    return [...this.outputs.keys()];
  }

  /** Closes the task: processors' close() runs, punctuations stop. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.task.close();
  }

  private pipe(record: PipedRecord): bigint {
    this.assertUsable();
    const timestamp = record.timestamp ?? this.clock;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new CoreError('CONFIG_INVALID', `pipeInput options.timestamp must be epoch milliseconds, got ${String(timestamp)}`);
    }
    const key = partitionKey(record.topic, record.partition);
    const offset = this.offsets.get(key) ?? 0n;
    this.offsets.set(key, offset + 1n);
    const source: SourceRecord = { ...record, offset, timestamp: BigInt(timestamp) };
    this.guard(() => this.task.process(source));
    return offset;
  }

  private append(record: OutputRecord): void {
    const queue = this.outputs.get(record.topic) ?? [];
    queue.push(record);
    this.outputs.set(record.topic, queue);
  }

  /** What the runtime does too: ask the handler, then dead-letter or fail. */
  private deadLetter(source: SourceRecord, error: KalibraError): void {
    if (decideOnError(this.onError, source, error) === 'fail') throw error;
    this.append(deadLetterRecord(this.dlqTopic, source, error));
  }

  /** A failure stops the driver for good, as it stops a runtime: later calls say why. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (thrown) {
      this.failure = isKalibraError(thrown) ? thrown : new CoreError('PROCESSING_FAILED', 'the task threw', { cause: thrown });
      throw thrown;
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new CoreError('STATE_INVALID', 'the TopologyTestDriver is closed');
    if (this.failure !== undefined) {
      throw new CoreError('STATE_INVALID', `the topology failed earlier (${this.failure.code}: ${this.failure.message}); create a new TopologyTestDriver`, {
        cause: this.failure,
      });
    }
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
