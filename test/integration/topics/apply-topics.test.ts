import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished } from 'vitest';
import { brokers, createTopics, uniqueName } from '../../helpers/stack.ts';
import { desiredTopics } from '../../../contract/topics.ts';
import type { TopicRole, TopicSpec } from '../../../contract/topics.ts';
import { applyTopics } from '../../../app/topics/topics-apply.ts';

const run = promisify(execFile);

function admin(): Admin {
  const client = new Admin({ clientId: uniqueName('topics-test'), bootstrapBrokers: brokers() });
  onTestFinished(async () => { await client.close(); });
  return client;
}

/** Desired topics under names no other test uses; whatever exists at the end is deleted. */
function uniqueTopics(options: { partitions?: number } = {}): TopicSpec[] {
  const prefix = uniqueName('topics');
  const names: Record<TopicRole, string> = {
    raw: `${prefix}.raw`, calibrated: `${prefix}.calibrated`, dlq: `${prefix}.dlq`, replayState: `${prefix}.replay-state`,
  };
  onTestFinished(async () => {
    const cleanup = new Admin({ clientId: uniqueName('topics-cleanup'), bootstrapBrokers: brokers() });
    try {
      const existing = new Set(await cleanup.listTopics());
      const ours = Object.values(names).filter((n) => existing.has(n));
      if (ours.length > 0) await cleanup.deleteTopics({ topics: ours });
    } finally {
      await cleanup.close();
    }
  });
  return desiredTopics({ names, partitions: options.partitions ?? 2 });
}

/** What the broker says, read with a separate client, independently of applyTopics. */
async function brokerView(client: Admin, topic: TopicSpec): Promise<{ partitions: number; configs: Record<string, string | null> }> {
  const metadata = await client.metadata({ topics: [topic.name], forceUpdate: true });
  const [described] = await client.describeConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic.name, configurationKeys: Object.keys(topic.configs) }],
  });
  return {
    partitions: metadata.topics.get(topic.name)!.partitionsCount,
    configs: Object.fromEntries(described!.configs.map((c) => [c.name, c.value ?? null])),
  };
}

describe('applyTopics', () => {
  it('creates every missing topic with its partitions and configs, and a second run finds nothing to do', async () => {
    const client = admin();
    const topics = uniqueTopics();
    const first = await applyTopics({ admin: client, topics });
    expect(first.drift.map((d) => [d.topic, d.kind, d.resolution])).toEqual(topics.map((t) => [t.name, 'missing', 'fixed']));
    expect(first.inSync).toBe(true);

    const raw = await brokerView(client, topics[0]!);
    expect(raw).toEqual({ partitions: 2, configs: { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.insync.replicas': '1' } });
    const dlq = await brokerView(client, topics[2]!);
    expect(dlq.configs).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '1' });
    expect((await brokerView(client, topics[3]!)).partitions).toBe(1);

    const second = await applyTopics({ admin: client, topics });
    expect(second).toEqual({ drift: [], inSync: true });
  });

  it('with check, reports missing topics and creates none', async () => {
    const client = admin();
    const topics = uniqueTopics();
    const report = await applyTopics({ admin: client, topics, check: true });
    expect(report.inSync).toBe(false);
    expect(report.drift.map((d) => d.resolution)).toEqual(['would-fix', 'would-fix', 'would-fix', 'would-fix']);
    const existing = new Set(await client.listTopics());
    expect(topics.filter((t) => existing.has(t.name))).toEqual([]);
  });

  it('sets a drifted config back to the desired value and leaves other topic overrides alone', async () => {
    const client = admin();
    const topics = uniqueTopics();
    const raw = topics[0]!;
    await createTopics([raw.name], { partitions: 2, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'segment.ms': '3600000' } });

    const report = await applyTopics({ admin: client, topics });
    expect(report.drift.filter((d) => d.topic === raw.name)).toEqual([
      { topic: raw.name, kind: 'config', config: 'cleanup.policy', actual: 'delete', desired: 'compact', resolution: 'fixed' },
    ]);
    expect((await brokerView(client, raw)).configs['cleanup.policy']).toBe('compact');
    const [described] = await client.describeConfigs({
      resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: raw.name, configurationKeys: ['segment.ms'] }],
    });
    expect(described!.configs[0]!.value).toBe('3600000');
  });

  it('with check, reports a drifted config without changing it', async () => {
    const client = admin();
    const topics = uniqueTopics();
    await applyTopics({ admin: client, topics });
    const dlq = topics[2]!;
    await client.incrementalAlterConfigs({
      resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: dlq.name, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }],
    });

    const report = await applyTopics({ admin: client, topics, check: true });
    expect(report).toEqual({
      inSync: false,
      drift: [{ topic: dlq.name, kind: 'config', config: 'retention.ms', actual: '1000', desired: '2592000000', resolution: 'would-fix' }],
    });
    expect((await brokerView(client, dlq)).configs['retention.ms']).toBe('1000');
  });

  it('does not add partitions to a keyed topic with fewer than desired, and says why', async () => {
    const client = admin();
    const topics = uniqueTopics({ partitions: 3 });
    const raw = topics[0]!;
    await createTopics([raw.name], { partitions: 1, configs: { ...raw.configs } });

    const report = await applyTopics({ admin: client, topics });
    const found = report.drift.find((d) => d.topic === raw.name);
    expect(found).toMatchObject({ kind: 'partitions-fewer', actual: '1', desired: '3', resolution: 'left' });
    expect(found?.reason).toMatch(/keyed topic/);
    expect(report.inSync).toBe(false);
    expect((await brokerView(client, raw)).partitions).toBe(1);
  });

  it('never removes partitions from a topic that has more than desired', async () => {
    const client = admin();
    const topics = uniqueTopics({ partitions: 1 });
    const calibrated = topics[1]!;
    await createTopics([calibrated.name], { partitions: 3, configs: { ...calibrated.configs } });

    const report = await applyTopics({ admin: client, topics });
    expect(report.drift.find((d) => d.topic === calibrated.name)).toMatchObject({ kind: 'partitions-more', actual: '3', resolution: 'left' });
    expect((await brokerView(client, calibrated)).partitions).toBe(3);
  });

  it('reports a replication factor the single local broker cannot match and leaves it', async () => {
    const client = admin();
    const topics = uniqueTopics();
    await applyTopics({ admin: client, topics });
    const wanted = desiredTopics({ names: Object.fromEntries(topics.map((t) => [t.role, t.name])), partitions: 2, replicationFactor: 3 });

    const report = await applyTopics({ admin: client, topics: wanted, check: true });
    expect(report.drift.filter((d) => d.kind === 'replication').map((d) => [d.actual, d.desired, d.resolution]))
      .toEqual([['1', '3', 'left'], ['1', '3', 'left'], ['1', '3', 'left'], ['1', '3', 'left']]);
  });
});

describe('bin/topics apply', () => {
  const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'topics');

  it('exits 1 with --check on drift, 0 after apply, with topic names from the environment', async () => {
    const topics = uniqueTopics();
    const env = {
      ...process.env, KAFKA_BROKERS: brokers().join(','),
      KALIBRA_TOPIC_RAW: topics[0]!.name, KALIBRA_TOPIC_CALIBRATED: topics[1]!.name,
      KALIBRA_TOPIC_DLQ: topics[2]!.name, KALIBRA_TOPIC_REPLAY_STATE: topics[3]!.name,
    };
    const check = await run(bin, ['apply', '--check', '--partitions', '2'], { env }).catch((e: { code: number; stdout: string }) => e);
    expect('code' in check ? check.code : 0).toBe(1);
    expect(check.stdout).toContain(`${topics[0]!.name}: missing (2 partitions) -> apply would fix this`);

    const applied = await run(bin, ['apply', '--partitions', '2'], { env });
    expect(applied.stdout).toContain(`${topics[3]!.name}: missing (1 partitions) -> created`);
    const again = await run(bin, ['apply', '--check', '--partitions', '2'], { env });
    expect(again.stdout).toContain(`${topics[0]!.name}: as desired (2 partitions, replication 1)`);
  });

  it('rejects a bad argument with one line on stderr and exit 2', async () => {
    const result = await run(bin, ['apply', '--partitions', '0']).catch((e: { code: number; stderr: string }) => e);
    expect('code' in result ? result.code : 0).toBe(2);
    expect(result.stderr).toBe('bin/topics: --partitions: 0 is below the minimum 1 (see --help)\n');
  });
});
