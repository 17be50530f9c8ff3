import { Admin } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../../topology/core/ops/config/parse-config.ts';
import { kafkaConnectionOptions } from '../../../../../topology/core/ops/kafka/connection-options.ts';
import { kafkaOptions } from '../../../../../topology/core/ops/kafka/kafka-options.ts';
import { brokers, createTopics, uniqueName } from '../../../../helpers/stack.ts';

describe('kafkaConnectionOptions against the local broker', () => {
  it('connects over plaintext with options parsed from KAFKA_BROKERS and sees a topic', async () => {
    const topic = uniqueName('ops-connection');
    await createTopics([topic]);
    const parsed = parseConfig(kafkaOptions, { env: { KAFKA_BROKERS: brokers().join(',') }, argv: [] });
    if (parsed.help) throw new Error('unexpected help');
    const options = await kafkaConnectionOptions(parsed.values, { defaultClientId: uniqueName('ops-test') });
    const admin = new Admin(options);
    try {
      const metadata = await admin.metadata({ topics: [topic] });
      expect(metadata.topics.get(topic)?.partitionsCount).toBe(1);
    } finally {
      await admin.close();
    }
  });
});
