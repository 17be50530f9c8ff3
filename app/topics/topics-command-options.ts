// The options of `bin/topics apply`, declared here rather than in bin/topics.ts so the README
// reference generator can import them without running the command.
import { defineOptions, kafkaOptions } from '../../topology/core/ops/index.ts';
import { topicOptions } from '../../contract/topic-options.ts';
import { DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR } from '../../contract/topics.ts';

const group = 'Topics apply';

export const topicsApplyOptions = defineOptions({
  check: { flag: 'check', type: 'bool', default: false, group, description: 'Change nothing; exit 1 if anything differs from the desired topics.' },
  partitions: { flag: 'partitions', type: 'int', min: 1, default: DEFAULT_PARTITIONS, group, description: 'Partitions of the reading topics (the replay-state topic always has 1).' },
  replicationFactor: { flag: 'replication-factor', type: 'int', min: 1, default: DEFAULT_REPLICATION_FACTOR, group, description: 'Replicas per partition (3 in production).' },
  minInsyncReplicas: { flag: 'min-insync-replicas', type: 'int', min: 1, defaultLabel: '2 from replication 3 up, else 1', group, description: 'min.insync.replicas of every topic.' },
});

export const topicsCommandOptions = defineOptions({ ...kafkaOptions, ...topicOptions, ...topicsApplyOptions });
