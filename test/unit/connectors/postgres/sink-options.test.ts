import { describe, expect, it } from 'vitest';
import { resolveSinkOptions } from '../../../../connectors/postgres/sink-options.ts';
import type { SinkOptions } from '../../../../connectors/postgres/sink-options.ts';

const valid: SinkOptions = {
  mapping: 'raw', topic: 'readings.raw', dlqTopic: 'readings.dlq', databaseUrl: 'postgres://localhost/kalibra',
  kafka: { bootstrapBrokers: ['localhost:9092'], clientId: 'sink' },
};

describe('sink options', () => {
  it('defaults to batches of at most 5,000 records and names the connector after the mapping', () => {
    expect(resolveSinkOptions(valid)).toMatchObject({ batchSize: 5000, connector: 'kalibra-sink-raw', groupId: 'kalibra-sink-raw', schema: 'public' });
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize'],
    [{ idleCheckMs: 1.5 }, 'idleCheckMs'],
    [{ schema: 'Bad-Name' }, 'schema'],
    [{ topic: '' }, 'topic'],
    [{ mapping: 'other' as 'raw' }, 'mapping'],
    [{ writeMethod: 'magic' as 'copy' }, 'writeMethod'],
    [{ kafka: { bootstrapBrokers: [], clientId: 'x' } }, 'kafka.bootstrapBrokers'],
  ])('rejects %j naming %s', (override, option) => {
    expect(() => resolveSinkOptions({ ...valid, ...override })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => resolveSinkOptions({ ...valid, ...override })).toThrow(option);
  });
});
