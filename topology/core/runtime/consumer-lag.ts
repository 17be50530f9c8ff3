// Consumer lag, reported as a metric every lagIntervalMs while the runtime runs: end offset −
// next offset this instance committed, for every assigned partition it has committed. It only
// reads; it never touches a transaction or a position, and never throws into the runtime.
import { pendingFor } from '../replay/state.ts';
import type { ReplayState } from '../replay/state.ts';
import { describe } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';

/** Starts the periodic report (only while `running()`); returns the function that stops it. */
export function startLagReports(
  consumer: RuntimeConsumer, options: ResolvedRuntimeOptions, committedNext: ReadonlyMap<string, bigint>, running: () => boolean,
  replayState?: (topic: string) => ReplayState,
): () => void {
  const timer = setInterval(() => {
    if (running()) void reportLag(consumer, options, committedNext, replayState);
  }, options.lagIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Reports end offset − next offset to commit for every assigned partition this instance has
 * committed, and, with replay on (`replayState`), the records each assigned partition still
 * has to re-read for the current request.
 */
async function reportLag(consumer: RuntimeConsumer, options: ResolvedRuntimeOptions, committedNext: ReadonlyMap<string, bigint>,
  replayState?: (topic: string) => ReplayState): Promise<void> {
  try {
    const ends = await consumer.listOffsets({ topics: [...options.taskFactory.sourceTopics] });
    for (const assignment of consumer.assignments ?? []) {
      for (const partition of assignment.partitions) {
        const end = ends.get(assignment.topic)?.[partition];
        const next = committedNext.get(`${assignment.topic}:${partition}`);
        if (end !== undefined && next !== undefined) options.metrics.consumerLag(assignment.topic, partition, Number(end - next));
        if (replayState !== undefined) {
          const remaining = replayRemaining(replayState(assignment.topic), partition, next);
          if (remaining !== undefined) options.metrics.replayRemaining(assignment.topic, partition, Number(remaining));
        }
      }
    }
  } catch (error) {
    options.logger.debug('could not read end offsets for lag', { error: describe(error) });
  }
}

/**
 * What a partition still owes the current replay request, counted as `bin/replay` shows its
 * progress: up to the end of the log when the request was made. 0 without a request for this
 * partition; the whole window while the request is not applied here; undefined when the
 * request is applied but this instance has not committed on the partition yet.
 */
export function replayRemaining(state: ReplayState, partition: number, next: bigint | undefined): bigint | undefined {
  const target = state.request?.partitions.find((t) => t.partition === partition);
  if (target === undefined) return 0n;
  if (pendingFor(state, partition) !== undefined) return target.endOffset > target.fromOffset ? target.endOffset - target.fromOffset : 0n;
  if (next === undefined) return undefined;
  return target.endOffset > next ? target.endOffset - next : 0n;
}
