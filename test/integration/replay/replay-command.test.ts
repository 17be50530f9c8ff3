// bin/replay against a real broker: bad arguments print one line, exit 2 and change nothing
// (the group's committed offsets and the replay-state topic are compared before and after),
// an unconfirmed replay (no terminal, no --yes) exits 1 and changes nothing;
// --dry-run prints the plan and changes nothing; and one spawn of bin/replay for its exit codes.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Producer } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runReplayCommand } from '../../../app/replay/replay-command.ts';
import type { ReplayCommandArgs } from '../../../app/replay/replay-command.ts';
import { brokers, createTopics, uniqueName, waitFor } from '../../helpers/stack.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BASE = Date.parse('2026-01-01T00:00:00Z');

interface World {
  topic: string;
  stateTopic: string;
  group: string;
  admin: Admin;
}

async function world(): Promise<World> {
  const topic = uniqueName('replay-cli-raw');
  const stateTopic = uniqueName('replay-cli-state');
  const group = uniqueName('replay-cli-group');
  await createTopics([topic], { partitions: 2 });
  await createTopics([stateTopic], { configs: { 'cleanup.policy': 'compact' } });
  const producer = new Producer({ clientId: uniqueName('seed'), bootstrapBrokers: brokers() });
  try {
    const messages = [];
    for (let p = 0; p < 2; p++) for (let i = 0; i < 10; i++) messages.push({ topic, partition: p, key: Buffer.from(`s${p}|${BASE + i * 1000}`), value: Buffer.from('{}'), timestamp: BigInt(BASE + i * 1000) });
    await producer.send({ messages });
  } finally {
    await producer.close();
  }
  const admin = new Admin({ clientId: uniqueName('replay-cli'), bootstrapBrokers: brokers() });
  onTestFinished(() => admin.close());
  await admin.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 10n }, { partition: 1, offset: 10n }] }] });
  return { topic, stateTopic, group, admin };
}

/** What a replay would change: the group's committed offsets and the end of the state topic. */
async function snapshot(w: World): Promise<string> {
  const [offsets] = await w.admin.listConsumerGroupOffsets({ groups: [w.group] });
  const [ends] = await w.admin.listOffsets({ topics: [{ name: w.stateTopic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  const committed = offsets?.topics.flatMap((t) => t.partitions.map((p) => `${t.name}/${p.partitionIndex}=${p.committedOffset}`)) ?? [];
  return `${committed.sort().join(',')} state-end=${ends?.partitions[0]?.offset}`;
}

interface Run { code: number; out: string; err: string }

/** Runs the command in-process; `seen` fills while it runs. */
async function run(w: World, overrides: Partial<ReplayCommandArgs>, signal = new AbortController().signal, seen = { out: '', err: '' }): Promise<Run> {
  const code = await runReplayCommand({
    from: undefined, to: undefined, group: w.group, topic: w.topic, stateTopic: w.stateTopic, dryRun: false, yes: true, watch: false, ...overrides,
  }, {
    admin: w.admin, connection: { bootstrapBrokers: brokers() },
    out: { write: (t: string) => { seen.out += t; } }, err: { write: (t: string) => { seen.err += t; } },
    interactive: false, confirm: () => Promise.resolve(true), now: () => Date.now(), signal,
    selector: () => null, pollMs: 100,
  });
  return { code, out: seen.out, err: seen.err };
}

describe('bin/replay against a broker', () => {
  it('prints one clear line, exits 2 and changes nothing on every kind of bad argument', async () => {
    const w = await world();
    const before = await snapshot(w);
    const cases: [Partial<ReplayCommandArgs>, RegExp][] = [
      [{ from: '2026-01-01T00:00:05Z', to: '2026-01-01T00:00:02Z' }, /must be before --to/],
      [{ from: '2026-01-01T00:00:05Z', group: uniqueName('never-ran') }, /has no committed offsets/],
      [{ from: '2026-01-01T00:00:05Z', topic: uniqueName('no-such-topic') }, /topic "no-such-topic-[0-9a-f]+" does not exist/],
      [{ from: '2026-01-01T00:00:05Z', stateTopic: uniqueName('no-state') }, /replay-state topic "no-state-[0-9a-f]+" is missing/],
      [{ from: 'a while ago' }, /cannot read "a while ago"/],
      [{ to: '2026-01-01T00:00:05Z' }, /--to needs --from/],
      [{ from: '2026-01-01T00:00:05Z', sensors: ['not a sensor'] }, /--sensor "not a sensor": not a sensor id/],
    ];
    for (const [overrides, pattern] of cases) {
      const { code, err } = await run(w, overrides);
      expect({ code, err }).toMatchObject({ code: 2, err: expect.stringMatching(pattern) as unknown });
      expect(err.trim().split('\n')).toHaveLength(1);
    }
    // Not a bad argument: nobody could confirm (no terminal, no --yes). Exit 1, nothing changed.
    const unconfirmed = await run(w, { from: '2026-01-01T00:00:05Z', yes: false });
    expect({ code: unconfirmed.code, err: unconfirmed.err }).toMatchObject({ code: 1, err: expect.stringMatching(/not confirmed .*pass --yes/) as unknown });
    expect(await snapshot(w)).toBe(before);
  }, 60_000);

  it('--dry-run prints the per-partition plan and its total and changes nothing', async () => {
    const w = await world();
    const before = await snapshot(w);
    const { code, out } = await run(w, { from: '2026-01-01T00:00:04Z', to: '2026-01-01T00:00:08Z', dryRun: true });
    expect(code).toBe(0);
    expect(out).toContain('no instance running: offline reset');
    expect(out).toContain('total: 8 records to re-read');
    expect(await snapshot(w)).toBe(before);
  }, 30_000);

  it('on Ctrl-C leaves the replay requested, says how to watch it and exits 130; --watch then follows it to the end', async () => {
    const w = await world();
    const controller = new AbortController();
    const seen = { out: '', err: '' };
    const started = run(w, { from: '2026-01-01T00:00:05Z' }, controller.signal, seen);
    await waitFor(() => seen.out.includes('started offline') && seen.err.includes('no instance of'), { timeoutMs: 30_000, message: 'the offline replay to start and wait' });
    controller.abort();
    const interrupted = await started;
    expect(interrupted.code).toBe(130);
    expect(interrupted.err).toContain(`the replay continues in the running instances (or the next one to start). Watch it again with: bin/replay --watch --group ${w.group}`);

    const watchSeen = { out: '', err: '' };
    const watching = run(w, { watch: true }, new AbortController().signal, watchSeen);
    await waitFor(() => watchSeen.out.includes('watching replay epoch 1'), { timeoutMs: 30_000, message: '--watch to find the request' });
    // An instance re-reading to the end, as far as the group's offsets tell.
    await w.admin.alterConsumerGroupOffsets({ groupId: w.group, topics: [{ name: w.topic, partitionOffsets: [{ partition: 0, offset: 10n }, { partition: 1, offset: 10n }] }] });
    const watched = await watching;
    expect(watched.code, watched.err).toBe(0);
    expect(watched.out).toContain('replay epoch 1 done');
  }, 60_000);

  it('the command exits 2 on a bad argument and 0 after an offline replay completes', async () => {
    const w = await world();
    const bin = join(root, 'bin', 'replay');
    const env = { ...process.env, KAFKA_BROKERS: brokers().join(','), KALIBRA_TOPIC_RAW: w.topic, KALIBRA_TOPIC_REPLAY_STATE: w.stateTopic, KALIBRA_GROUP_ID: w.group };
    const spawnReplay = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
      execFile(bin, args, { env, cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
    const bad = await spawnReplay(['--from', '2026-01-01T00:00:05Z', '--to', '2026-01-01T00:00:01Z']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    // Piped stdin, no --yes: nobody could confirm, so "not confirmed" (1), as the README says.
    const noYes = await spawnReplay(['--from', '2026-01-01T00:00:05Z']);
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toContain('not confirmed');
    expect(noYes.stderr).toContain('--yes');

    // Offline, with the group already past the end: moving the offsets back is the replay; it
    // is done once an instance has re-read to the end. Simulate that instance by committing the end.
    const started = spawnReplay(['--from', '2026-01-01T00:00:05Z', '--yes']);
    const admin = w.admin;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [offsets] = await admin.listConsumerGroupOffsets({ groups: [w.group] });
      const moved = offsets?.topics.find((t) => t.name === w.topic)?.partitions.every((p) => p.committedOffset === 5n);
      if (moved) break;
      if (Date.now() > deadline) throw new Error('bin/replay did not move the offsets');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await admin.alterConsumerGroupOffsets({ groupId: w.group, topics: [{ name: w.topic, partitionOffsets: [{ partition: 0, offset: 10n }, { partition: 1, offset: 10n }] }] });
    const done = await started;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('total: 10 records to re-read');
    expect(done.stdout).toContain('done');
  }, 90_000);
});
