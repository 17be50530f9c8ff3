import { describe, expect, it } from 'vitest';
import { desiredTopics } from '../../../contract/topics.ts';
import type { TopicSpec } from '../../../contract/topics.ts';
import { find, rendered } from './rendered.ts';

interface KafkaTopicSpec { topicName?: string; partitions: number; replicas: number; config: Record<string, unknown> }

/** A KafkaTopic as the TopicSpec fields bin/topics apply would compare. */
async function kafkaTopics(target: string): Promise<Pick<TopicSpec, 'name' | 'partitions' | 'replicationFactor' | 'configs'>[]> {
  return find(await rendered(target), 'KafkaTopic').map((topic) => {
    const spec = topic.spec as KafkaTopicSpec;
    return {
      name: spec.topicName ?? topic.metadata.name,
      partitions: spec.partitions,
      replicationFactor: spec.replicas,
      configs: Object.fromEntries(Object.entries(spec.config).map(([k, v]) => [k, String(v)])),
    };
  });
}

function expected(replicationFactor: number): Pick<TopicSpec, 'name' | 'partitions' | 'replicationFactor' | 'configs'>[] {
  return desiredTopics({ replicationFactor })
    .map(({ name, partitions, replicationFactor: rf, configs }) => ({ name, partitions, replicationFactor: rf, configs }));
}

const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => a.name.localeCompare(b.name));

describe('KafkaTopic resources', () => {
  it('in the dev overlay equal topics.ts with one replica', async () => {
    expect(byName(await kafkaTopics('k8s/overlays/dev'))).toEqual(byName(expected(1)));
  });

  it('in the production overlay equal topics.ts with three replicas and min.insync.replicas 2', async () => {
    expect(byName(await kafkaTopics('k8s/overlays/production'))).toEqual(byName(expected(3)));
  });

  it('have the names the processes are configured with', async () => {
    const objects = await rendered('k8s/overlays/production');
    const config = find(objects, 'ConfigMap').find((c) => c.metadata.name.startsWith('kalibra-config-'))!;
    const data = config.data as Record<string, string>;
    const names = expected(3).map((t) => t.name);
    expect([data.KALIBRA_TOPIC_RAW, data.KALIBRA_TOPIC_CALIBRATED, data.KALIBRA_TOPIC_DLQ, data.KALIBRA_TOPIC_REPLAY_STATE]).toEqual(names);
  });
});

describe('KafkaUser ACLs', () => {
  it.each(['k8s/overlays/production', 'k8s/overlays/production-connect', 'k8s/overlays/production-connect-mode'])('in %s name only topics that exist (or Connect\'s own prefix)', async (target) => {
    const objects = await rendered(target);
    const topics = new Set(find(objects, 'KafkaTopic').map((t) => t.metadata.name));
    for (const user of find(objects, 'KafkaUser')) {
      const acls = (user.spec as { authorization: { acls: { resource: { type: string; name?: string; patternType?: string } }[] } }).authorization.acls;
      for (const { resource } of acls.filter((a) => a.resource.type === 'topic' && a.resource.patternType !== 'prefix')) {
        expect(topics, `${user.metadata.name} -> ${resource.name}`).toContain(resource.name);
      }
    }
  });
});
