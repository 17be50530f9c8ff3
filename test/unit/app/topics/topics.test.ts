import { describe, expect, it } from 'vitest';
import { topicNamesFromEnv } from '../../../../contract/topic-options.ts';
import { desiredTopics } from '../../../../contract/topics.ts';
import { formatTopicsReport } from '../../../../app/topics/topics-apply.ts';

describe('desired topics', () => {
  it('keeps raw readings forever in a compacted topic, and the DLQ for 30 days', () => {
    const [raw, calibrated, dlq, replayState] = desiredTopics();
    expect(raw).toEqual({
      role: 'raw', name: 'readings.raw', partitions: 6, replicationFactor: 1, keyed: true,
      configs: { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'min.insync.replicas': '1' },
    });
    expect(calibrated!.configs).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
    expect(dlq!.configs).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '2592000000', 'min.insync.replicas': '1' });
    expect(replayState).toMatchObject({ name: 'readings.replay-state', partitions: 1, configs: { 'cleanup.policy': 'compact' } });
  });

  it('requires two in-sync replicas once there are three replicas', () => {
    const topics = desiredTopics({ replicationFactor: 3 });
    expect(topics.map((t) => [t.replicationFactor, t.configs['min.insync.replicas']])).toEqual([
      [3, '2'], [3, '2'], [3, '2'], [3, '2'],
    ]);
  });

  it('gives the reading topics the chosen partition count and keeps the replay state at one', () => {
    expect(desiredTopics({ partitions: 12 }).map((t) => t.partitions)).toEqual([12, 12, 12, 1]);
  });

  it('rejects more in-sync replicas than replicas, naming both options', () => {
    expect(() => desiredTopics({ replicationFactor: 1, minInsyncReplicas: 2 }))
      .toThrow(/minInsyncReplicas \(2\) must not exceed replicationFactor \(1\)/);
  });

  it('rejects a partition count that is not a positive integer, naming the option', () => {
    expect(() => desiredTopics({ partitions: 0 })).toThrow(/^partitions must be a positive integer, got 0$/);
    expect(() => desiredTopics({ partitions: 1.5 })).toThrow(/partitions must be a positive integer/);
  });

  it('rejects an invalid or duplicate topic name, naming the role', () => {
    expect(() => desiredTopics({ names: { dlq: 'bad name' } })).toThrow(/names\.dlq: 'bad name' is not a valid Kafka topic name/);
    expect(() => desiredTopics({ names: { calibrated: 'readings.raw' } })).toThrow(/names\.calibrated: 'readings\.raw' is used for two topics/);
  });

  it('takes topic names from KALIBRA_TOPIC_* and ignores empty values', () => {
    expect(topicNamesFromEnv({ KALIBRA_TOPIC_RAW: 'home.raw', KALIBRA_TOPIC_DLQ: '', KALIBRA_TOPIC_REPLAY_STATE: 'home.replay' })).toEqual({
      raw: 'home.raw', calibrated: 'readings.calibrated', dlq: 'readings.dlq', replayState: 'home.replay',
    });
  });
});

describe('the topics report', () => {
  it('says per topic whether it is as desired, what was fixed, and why anything was left alone', () => {
    const topics = desiredTopics();
    const lines = formatTopicsReport({
      inSync: false,
      drift: [
        { topic: 'readings.raw', kind: 'config', config: 'cleanup.policy', actual: 'delete', desired: 'compact', resolution: 'fixed' },
        { topic: 'readings.calibrated', kind: 'partitions-fewer', actual: '3', desired: '6', resolution: 'left', reason: 'keyed topic' },
        { topic: 'readings.replay-state', kind: 'missing', actual: null, desired: '1 partitions', resolution: 'would-fix' },
      ],
    }, topics);
    expect(lines).toEqual([
      'readings.raw: cleanup.policy=delete, desired compact -> fixed',
      'readings.calibrated: partitions 3, desired 6 -> left unchanged: keyed topic',
      'readings.dlq: as desired (6 partitions, replication 1)',
      'readings.replay-state: missing (1 partitions) -> apply would fix this',
    ]);
  });
});
