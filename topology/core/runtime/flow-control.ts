// What throttles or reports the runtime's progress without touching its transactions: the
// admission gate (process a record only once gate.admittedUpTo passes its offset) and consumer
// lag. Neither may ever throw into the processing loop.
import type { Gate } from '../gate.ts';
import { pendingFor } from '../replay/state.ts';
import type { ReplayState } from '../replay/state.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import { describe } from './kafka-errors.ts';
import type { ResolvedRuntimeOptions } from './options.ts';
import type { RuntimeMessage } from './record-source.ts';
import type { RuntimeConsumer } from './runtime-consumer.ts';

/** Re-check at least this often, so stop and rebalances are seen while the gate is closed. */
const GATE_WAIT_CAP_MS = 1_000;

export function admitted(gate: Gate | undefined, message: RuntimeMessage): boolean {
  if (gate === undefined) return true;
  const upTo = gate.admittedUpTo(message.topic, message.partition);
  return upTo !== undefined && upTo > message.offset;
}

/** Waits until the gate may have moved, `abort` fires, or the cap passes; reports the wait. */
export async function waitForGate(gate: Gate, abort: AbortController, metrics: RuntimeMetrics): Promise<void> {
  const started = Date.now();
  const timer = setTimeout(() => abort.abort(), GATE_WAIT_CAP_MS);
  try {
    await Promise.race([
      gate.changed(abort.signal).catch(() => undefined),
      new Promise((resolve) => abort.signal.addEventListener('abort', resolve, { once: true })),
    ]);
  } finally {
    clearTimeout(timer);
    abort.abort();
    metrics.gateWait(Date.now() - started);
  }
}

/**
 * Reports end offset − next offset to commit for every assigned partition this instance has
 * committed, and, with replay on (`replayState`), the records each assigned partition still
 * has to re-read for the current request.
 */
export async function reportLag(consumer: RuntimeConsumer, options: ResolvedRuntimeOptions, committedNext: ReadonlyMap<string, bigint>,
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
