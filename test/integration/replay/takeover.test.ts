// Replay across a rebalance (issue 6): two instances share the partitions; one is SIGKILLed
// after it applied the replay on its partitions, and the survivor, which takes them over,
// continues a replay it did not start: it honours the dead one's window and never applies that
// epoch again. Verified per key with Kafka's Java console consumer, read_committed.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/stack.ts';
import { assignmentsByInstance } from '../core/fixtures/harness.ts';
import {
  PARTITIONS, SENSORS, allCommitted, committedHistory, replayFixture, replayVerdict, runReplay, running, spawnReplayApp,
  unfinishedPartitions,
} from './fixtures/harness.ts';

const PER_SENSOR = 1_000;

describe('bin/replay across a rebalance', () => {
  it('completes exactly when the instance that applied it on its partitions dies and the survivor takes them over', async () => {
    const f = await replayFixture('replay-takeover');
    const env = { APP_COMMIT_MAX_RECORDS: '50' };
    const survivor = spawnReplayApp(f, 'survivor', env);
    const victim = spawnReplayApp(f, 'victim', env);
    await running(survivor);
    await running(victim);
    await waitFor(async () => {
      const assigned = await assignmentsByInstance(f.group, f.input);
      return assigned.get('survivor')?.length === PARTITIONS / 2 && assigned.get('victim')?.length === PARTITIONS / 2;
    }, { timeoutMs: 60_000, intervalMs: 500, message: 'both instances to own two partitions' });
    const base = await committedHistory(f, PER_SENSOR);

    f.setProfile('v2');
    const replay = runReplay(f, { from: new Date(base + (PER_SENSOR / 4) * 1000).toISOString() });
    await waitFor(() => victim.stderr().includes('"applying replay"'), { timeoutMs: 30_000, message: 'the victim to apply the replay' });
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 300)));
    const victimPartitions = (await assignmentsByInstance(f.group, f.input)).get('victim') ?? [];
    victim.child.kill('SIGKILL');
    await victim.exited;
    // The kill landed inside the replay of the victim's partitions.
    expect((await unfinishedPartitions(f)).some((partition) => victimPartitions.includes(partition))).toBe(true);

    expect(await replay.code, replay.err()).toBe(0);
    await allCommitted(f);
    const assigned = await assignmentsByInstance(f.group, f.input);
    expect(assigned.get('survivor')).toHaveLength(PARTITIONS);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    // The survivor applied the epoch once, for its own partitions; the victim's it only continued.
    expect(survivor.stderr().match(/"applying replay"/g)).toHaveLength(1);

    const result = await replayVerdict(f, 'v2');
    expect(result.wrong).toEqual([]);
    expect(result.windowKeys).toHaveLength(SENSORS * PER_SENSOR * 3 / 4);
  }, 150_000);
});
