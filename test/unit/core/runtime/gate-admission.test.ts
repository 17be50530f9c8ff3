import { describe, expect, it } from 'vitest';
import type { Gate } from '../../../../topology/core/gate.ts';
import { noopMetrics } from '../../../../topology/core/metrics.ts';
import { GateAdmission } from '../../../../topology/core/runtime/gate-admission.ts';
import type { RuntimeMessage } from '../../../../topology/core/runtime/record-source.ts';

function at(partition: number, offset: bigint): RuntimeMessage {
  return { topic: 'raw', partition, offset } as RuntimeMessage;
}

function gate(upTo: Map<number, bigint>): Gate {
  return {
    admittedUpTo: (_topic, partition) => upTo.get(partition),
    changed: (signal) => new Promise((resolve) => { signal.addEventListener('abort', () => resolve(), { once: true }); }),
  };
}

describe('GateAdmission', () => {
  it('admits everything without a gate', () => {
    expect(new GateAdmission(undefined, noopMetrics).admits(at(0, 99n))).toBe(true);
  });

  it('admits an offset only below what the gate admits up to, and nothing of a partition it does not know', () => {
    const admission = new GateAdmission(gate(new Map([[0, 5n]])), noopMetrics);
    expect(admission.admits(at(0, 4n))).toBe(true);
    expect(admission.admits(at(0, 5n))).toBe(false);
    expect(admission.admits(at(1, 0n))).toBe(false);
  });

  it('release() ends a wait at once (stop)', async () => {
    const admission = new GateAdmission(gate(new Map()), noopMetrics);
    const started = Date.now();
    const waiting = admission.wait();
    admission.release();
    await waiting;
    expect(Date.now() - started).toBeLessThan(500);
  });
});
