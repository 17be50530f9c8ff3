// The ProcessorContext one processor instance gets: forwarding to its children, the
// metadata of the record being processed, and wall-clock punctuations. It reaches the task
// only through TaskPort, so it cannot send to Kafka or skip the task's error handling.
import { CoreError } from '../errors.ts';
import type { Cancellable, ProcessorContext, Punctuator } from '../processor.ts';
import type { RecordMetadata, StreamRecord } from '../record.ts';

/** What a context needs from its task. */
export interface TaskPort {
  deliver(nodeName: string, record: StreamRecord<unknown, unknown>): void;
  metadata(): RecordMetadata | undefined;
  schedule(processorName: string, intervalMs: number, callback: Punctuator): Cancellable;
  now(): number;
}

export class NodeContext implements ProcessorContext<unknown, unknown> {
  readonly processorName: string;
  readonly childNames: readonly string[];
  private readonly task: TaskPort;
  constructor(
    processorName: string,
    childNames: readonly string[],
    task: TaskPort,
  ) {
    this.processorName = processorName;
    this.childNames = childNames;
    this.task = task;
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
    if (childName === undefined) {
      for (const child of this.childNames) this.task.deliver(child, record);
      return;
    }
    if (!this.childNames.includes(childName)) {
      const known = this.childNames.length === 0 ? 'it has no children' : `its children are: ${this.childNames.join(', ')}`;
      throw new CoreError('PROCESSING_FAILED', `processor "${this.processorName}" forwarded to unknown child "${childName}"; ${known}`);
    }
    this.task.deliver(childName, record);
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.task.metadata();
  }

  schedule(intervalMs: number, callback: Punctuator): Cancellable {
    return this.task.schedule(this.processorName, intervalMs, callback);
  }

  currentWallClockTime(): number {
    return this.task.now();
  }
}
