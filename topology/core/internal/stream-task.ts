// One running instance of a topology: processor instances made from the graph, driven
// through the Task contract. Per source record it is all or nothing: outputs are held until
// every processor is done, then sent; if anything throws, none are sent and the source
// record goes to io.deadLetter instead. It must never catch what io itself throws (a
// `fail` decision has to reach the runtime).
import { CoreError } from '../errors.ts';
import type { KalibraError } from '../errors.ts';
import type { Cancellable, Processor, Punctuator } from '../processor.ts';
import type { RecordMetadata, StreamRecord } from '../record.ts';
import type { OutputRecord, SourceRecord, Task, TaskIO } from '../task.ts';
import type { GraphNode, SourceNode } from './graph.ts';
import { asKalibraError, withContext } from './failure.ts';
import { NodeContext } from './node-context.ts';
import type { TaskPort } from './node-context.ts';
import { PunctuationSchedule } from './punctuation-schedule.ts';
import { toOutputRecord } from './sink-node.ts';

type AnyProcessor = Processor<unknown, unknown, unknown, unknown>;

export class StreamTask implements Task, TaskPort {
  private readonly processors = new Map<string, AnyProcessor>();
  private readonly sources = new Map<string, SourceNode>();
  private readonly punctuations = new PunctuationSchedule();
  private current: SourceRecord | undefined;
  /** Outputs of the record or punctuation in progress; undefined outside of one. */
  private pending: OutputRecord[] | undefined;
  private closed = false;

  private readonly nodes: ReadonlyMap<string, GraphNode>;
  private readonly io: TaskIO;
  constructor(
    nodes: ReadonlyMap<string, GraphNode>,
    io: TaskIO,
  ) {
    this.nodes = nodes;
    this.io = io;
    for (const node of nodes.values()) {
      if (node.kind === 'source') this.sources.set(node.topic, node);
      if (node.kind === 'processor') this.processors.set(node.name, node.supplier());
    }
    // Every processor exists before any init runs. init may keep the context and schedule,
    // but not forward: there is no record yet for outputs to belong to.
    for (const [name, processor] of this.processors) {
      const node = nodes.get(name);
      if (node?.kind !== 'processor') continue;
      processor.init?.(new NodeContext(name, node.children, this));
    }
  }

  process(source: SourceRecord): void {
    this.assertOpen('process');
    const node = this.sources.get(source.topic);
    if (node === undefined) {
      throw new CoreError('TOPOLOGY_INVALID', `the topology does not read topic "${source.topic}"`);
    }
    const outputs: OutputRecord[] = [];
    let failure: KalibraError | undefined;
    this.current = source;
    this.pending = outputs;
    try {
      this.receiveSource(node, source);
    } catch (thrown) {
      failure = asKalibraError(thrown, 'PROCESSING_FAILED', `processing ${where(source)}`);
    } finally {
      this.current = undefined;
      this.pending = undefined;
    }
    if (failure !== undefined) {
      this.io.deadLetter(source, failure);
      return;
    }
    for (const output of outputs) this.io.send(output);
  }

  /**
   * A punctuation has no source record to dead-letter, so an error in one is thrown as
   * PROCESSING_FAILED: the runtime must treat it as fatal (abort, stop). Outputs of the
   * failed callback are discarded; those of punctuations that ran before it were sent.
   */
  punctuate(now: number): void {
    this.assertOpen('punctuate');
    this.punctuations.runDue(now, (processorName, callback) => {
      const outputs: OutputRecord[] = [];
      this.pending = outputs;
      try {
        callback();
      } catch (thrown) {
        throw asKalibraError(thrown, 'PROCESSING_FAILED', `punctuation of processor "${processorName}" threw`);
      } finally {
        this.pending = undefined;
      }
      for (const output of outputs) this.io.send(output);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.punctuations.cancelAll();
    let first: KalibraError | undefined;
    for (const [name, processor] of this.processors) {
      try {
        processor.close?.();
      } catch (thrown) {
        first ??= asKalibraError(thrown, 'PROCESSING_FAILED', `close of processor "${name}" threw`);
      }
    }
    if (first !== undefined) throw first;
  }

  deliver(nodeName: string, record: StreamRecord<unknown, unknown>): void {
    const node = this.nodes.get(nodeName);
    if (node === undefined || node.kind === 'source') {
      throw new CoreError('TOPOLOGY_INVALID', `no processor or sink named "${nodeName}"`);
    }
    if (node.kind === 'sink') {
      const output = toOutputRecord(node, record);
      if (this.pending === undefined) {
        throw new CoreError('STATE_INVALID', `a record reached sink "${node.name}" outside process() or a punctuation (forward from init?)`);
      }
      this.pending.push(output);
      return;
    }
    const processor = this.processors.get(nodeName);
    let result: unknown;
    try {
      result = processor?.process(record);
    } catch (thrown) {
      throw asKalibraError(thrown, 'PROCESSING_FAILED', `processor "${nodeName}" threw`);
    }
    if (isThenable(result)) {
      // An async process() would finish after the record's outputs were sent, and its
      // rejection would crash the process. Refuse it on the first record instead.
      result.then(undefined, () => undefined);
      throw new CoreError('PROCESSING_FAILED', `processor "${nodeName}" returned a promise; process() must be synchronous`);
    }
  }

  metadata(): RecordMetadata | undefined {
    const source = this.current;
    if (source === undefined) return undefined;
    return { topic: source.topic, partition: source.partition, offset: source.offset, timestamp: Number(source.timestamp), headers: source.headers };
  }

  schedule(processorName: string, intervalMs: number, callback: Punctuator): Cancellable {
    return this.punctuations.add(processorName, intervalMs, callback, this.io.now());
  }

  now(): number {
    return this.io.now();
  }

  private receiveSource(node: SourceNode, source: SourceRecord): void {
    let key: unknown;
    let value: unknown;
    try {
      key = node.keySerde.deserialize(source.key, source.topic);
    } catch (thrown) {
      throw withContext(asKalibraError(thrown, 'DESERIALIZATION_FAILED', node.keySerde.name), `key of ${where(source)}`);
    }
    try {
      value = node.valueSerde.deserialize(source.value, source.topic);
    } catch (thrown) {
      throw withContext(asKalibraError(thrown, 'DESERIALIZATION_FAILED', node.valueSerde.name), `value of ${where(source)}`);
    }
    const record: StreamRecord<unknown, unknown> = { key, value, timestamp: Number(source.timestamp), headers: source.headers };
    for (const child of node.children) this.deliver(child, record);
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new CoreError('STATE_INVALID', `${operation}() called on a closed task`);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function where(source: SourceRecord): string {
  return `${source.topic}[${source.partition}]@${source.offset}`;
}
