// Consumer lag, reported as a metric every lagIntervalMs while the runtime runs: end offset −
// next offset this instance committed, for every assigned partition it has committed. It only
// reads; it never touches a transaction or a position, and never throws into the runtime.
import { describe } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';

/** Starts the periodic report (only while `running()`); returns the function that stops it. */
export function startLagReports(
  consumer: RuntimeConsumer, options: ResolvedRuntimeOptions, committedNext: ReadonlyMap<string, bigint>, running: () => boolean,
): () => void {
  const timer = setInterval(() => {
    if (running()) void reportLag(consumer, options, committedNext);
  }, options.lagIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function reportLag(consumer: RuntimeConsumer, options: ResolvedRuntimeOptions, committedNext: ReadonlyMap<string, bigint>): Promise<void> {
  try {
    const ends = await consumer.listOffsets({ topics: [...options.taskFactory.sourceTopics] });
    for (const assignment of consumer.assignments ?? []) {
      for (const partition of assignment.partitions) {
        const end = ends.get(assignment.topic)?.[partition];
        const next = committedNext.get(`${assignment.topic}:${partition}`);
        if (end !== undefined && next !== undefined) options.metrics.consumerLag(assignment.topic, partition, Number(end - next));
      }
    }
  } catch (error) {
    options.logger.debug('could not read end offsets for lag', { error: describe(error) });
  }
}
