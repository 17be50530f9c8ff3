// Exactly once, proven by breaking it for real: the runtime runs in child processes that are
// SIGKILLed mid-stream and restarted, and Kafka's own Java console consumer (read_committed,
// no code shared with the runtime) then finds every input's output exactly once.
import { describe, expect, it } from 'vitest';
import { readCommittedWithJava } from '../../../dev/verify/console-consumer.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';
import { assignmentsByInstance, produceInput, spawnApp, tally, uncommitted } from './fixtures/harness.ts';
import type { AppProcess } from './fixtures/harness.ts';

const RECORDS = 50_000;
const PARTITIONS = 4;

function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min));
}

async function running(app: AppProcess): Promise<void> {
  await waitFor(() => app.states.includes('running') || app.child.exitCode !== null, { timeoutMs: 60_000, message: 'the app to run' });
  if (!app.states.includes('running')) throw new Error(`the app exited before running: ${app.stderr()}`);
}

async function killNow(app: AppProcess): Promise<void> {
  app.child.kill('SIGKILL');
  await app.exited;
}

/** Produces the input in slices while `during` runs, so kills land while records are in flight. */
async function produceSlowly(topic: string, slices: number): Promise<void> {
  const slice = RECORDS / slices;
  for (let i = 0; i < slices; i++) {
    await produceInput(topic, i * slice, (i + 1) * slice);
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

async function stopAndVerify(app: AppProcess, groupId: string, input: string, output: string): Promise<void> {
  await waitFor(async () => (await uncommitted(groupId, input, PARTITIONS)) === 0n,
    { timeoutMs: 120_000, intervalMs: 500, message: 'the group to commit every input record' });
  app.child.kill('SIGTERM');
  expect(await app.exited).toBe(0);

  const records = await readCommittedWithJava({ brokers: brokers()[0]!, topic: output, idleTimeoutMs: 8_000 });
  const { duplicates, missing, unexpected } = tally(records.map((r) => r.value), RECORDS);
  expect({ duplicates: duplicates.slice(0, 10), missing: missing.slice(0, 10), unexpected }).toEqual({ duplicates: [], missing: [], unexpected: 0 });
  expect(records).toHaveLength(RECORDS);
  // Keys pass through unchanged.
  expect(records.every((r) => r.key === `r-${(JSON.parse(r.value) as { id: number }).id}`)).toBe(true);
}

describe('StreamsRuntime exactly_once under SIGKILL', () => {
  it('writes each of 50,000 inputs exactly once although the instance is SIGKILLed and restarted at least 10 times', async () => {
    const input = uniqueName('eos-crash-in');
    const output = uniqueName('eos-crash-out');
    const applicationId = uniqueName('eos-crash');
    await createTopics([input, output], { partitions: PARTITIONS });

    const producing = produceSlowly(input, 25);
    let kills = 0;
    while (kills < 10) {
      const app = spawnApp({ input, output, applicationId, instanceId: 'solo' });
      // Mostly mid-stream; every third kill at any moment, startup included.
      if (kills % 3 !== 2) await running(app);
      await new Promise((resolve) => setTimeout(resolve, randomBetween(100, 1_500)));
      await killNow(app);
      kills++;
    }
    await producing;
    const last = spawnApp({ input, output, applicationId, instanceId: 'solo' });
    await running(last);
    await stopAndVerify(last, applicationId, input, output);
    expect(kills).toBeGreaterThanOrEqual(10);
  }, 300_000);

  it('stays exactly once when one of two instances sharing the partitions is SIGKILLed and the survivor takes over', async () => {
    const input = uniqueName('eos-takeover-in');
    const output = uniqueName('eos-takeover-out');
    const applicationId = uniqueName('eos-takeover');
    await createTopics([input, output], { partitions: PARTITIONS });

    const survivor = spawnApp({ input, output, applicationId, instanceId: 'survivor' });
    const victim = spawnApp({ input, output, applicationId, instanceId: 'victim' });
    await Promise.all([running(survivor), running(victim)]);
    // Both must own partitions, or the kill proves nothing.
    await waitFor(async () => {
      const assigned = await assignmentsByInstance(applicationId, input);
      return (assigned.get('victim')?.length ?? 0) > 0 && (assigned.get('survivor')?.length ?? 0) > 0;
    }, { timeoutMs: 60_000, intervalMs: 500, message: 'both instances to own partitions' });
    const producing = produceSlowly(input, 20);
    // Kill while both are busy: after a random part of the input has been produced.
    await new Promise((resolve) => setTimeout(resolve, randomBetween(1_500, 4_000)));
    await killNow(victim);
    await producing;
    expect(survivor.child.exitCode).toBeNull();
    await stopAndVerify(survivor, applicationId, input, output);
  }, 240_000);

  it('stays exactly once while a second instance joins mid-stream and later leaves (rebalances with open transactions)', async () => {
    const input = uniqueName('eos-scale-in');
    const output = uniqueName('eos-scale-out');
    const applicationId = uniqueName('eos-scale');
    await createTopics([input, output], { partitions: PARTITIONS });

    const first = spawnApp({ input, output, applicationId, instanceId: 'first' });
    await running(first);
    const producing = produceSlowly(input, 20);
    await new Promise((resolve) => setTimeout(resolve, randomBetween(1_000, 3_000)));
    const second = spawnApp({ input, output, applicationId, instanceId: 'second' });
    await running(second);
    await waitFor(async () => ((await assignmentsByInstance(applicationId, input)).get('second')?.length ?? 0) > 0,
      { timeoutMs: 60_000, intervalMs: 500, message: 'the second instance to own partitions' });
    await new Promise((resolve) => setTimeout(resolve, randomBetween(500, 2_000)));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await producing;
    await stopAndVerify(first, applicationId, input, output);
  }, 240_000);
});
