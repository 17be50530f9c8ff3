// Reads the dead-letter topic of a topology under test, with the `kalibra.*` headers of
// core/dead-letter.ts already decoded, so a test can say which record failed and why. It
// never decodes the original key and value: they are the bytes that failed.
import { DeadLetterHeaders } from '../core/dead-letter.ts';
import { CoreError } from '../core/errors.ts';
import type { DriverPort } from './driver-port.ts';

export interface DeadLetter {
  /** The original key and value bytes, unchanged. */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** `kalibra.error.code`, e.g. VALIDATION_FAILED. */
  readonly code: string;
  readonly message: string;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: bigint };
  readonly timestamp: number;
  /** Every header, the original ones and the `kalibra.*` ones. */
  readonly headers: ReadonlyMap<string, Buffer>;
}

export class TestDeadLetterTopic {
  readonly name: string;
  private readonly driver: DriverPort;
  constructor(
    name: string,
    driver: DriverPort,
  ) {
    this.name = name;
    this.driver = driver;
  }

  readDeadLetter(): DeadLetter {
    const output = this.driver.take(this.name);
    if (output === undefined) {
      throw new CoreError('STATE_INVALID', `dead-letter topic "${this.name}" has no record left to read`);
    }
    const headers = output.headers ?? new Map<string, Buffer>();
    const text = (name: string): string => headers.get(name)?.toString('utf8') ?? '';
    return {
      key: output.key,
      value: output.value,
      code: text(DeadLetterHeaders.errorCode),
      message: text(DeadLetterHeaders.errorMessage),
      source: {
        topic: text(DeadLetterHeaders.sourceTopic),
        partition: Number(text(DeadLetterHeaders.sourcePartition)),
        offset: BigInt(text(DeadLetterHeaders.sourceOffset) || '-1'),
      },
      timestamp: Number(output.timestamp ?? 0n),
      headers,
    };
  }

  readDeadLettersToList(): DeadLetter[] {
    const letters: DeadLetter[] = [];
    while (!this.isEmpty()) letters.push(this.readDeadLetter());
    return letters;
  }

  getQueueSize(): number {
    return this.driver.queueSize(this.name);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }
}
