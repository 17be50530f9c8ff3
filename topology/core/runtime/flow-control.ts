// What throttles or reports the runtime's progress without touching its transactions: the
// admission gate (process a record only once gate.admittedUpTo passes its offset) and consumer
// lag. Neither may ever throw into the processing loop.
import type { Gate } from '../gate.ts';
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

/** Reports end offset − next offset to commit for every assigned partition this instance has committed. */
export async function reportLag(consumer: RuntimeConsumer, options: ResolvedRuntimeOptions, committedNext: ReadonlyMap<string, bigint>): Promise<void> {
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
