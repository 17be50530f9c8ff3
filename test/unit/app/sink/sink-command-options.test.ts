import { describe, expect, it } from 'vitest';
import { sinkCommandOptions, sinkOptionsFromConfig } from '../../../../app/sink/sink-command-options.ts';
import { parseConfig } from '../../../../topology/core/ops/index.ts';

function parse(argv: string[], env: Record<string, string> = {}): ReturnType<typeof sinkOptionsFromConfig> {
  const parsed = parseConfig(sinkCommandOptions, { argv, env });
  if (parsed.help) throw new Error('unexpected --help');
  return sinkOptionsFromConfig(parsed.values, { bootstrapBrokers: parsed.values.kafkaBrokers, clientId: 'sink' });
}

describe('bin/sink options', () => {
  it('default to the raw topic, batches of at most 5,000 records, COPY, and the hostname as static member id', () => {
    expect(parse(['--mapping', 'raw'])).toMatchObject({
      mapping: 'raw', topic: 'readings.raw', dlqTopic: 'readings.dlq', schema: 'public', batchSize: 5_000,
      writeMethod: 'copy', databaseUrl: 'postgres://postgres@127.0.0.1:5432/kalibra', connector: undefined,
    });
  });

  it('read the calibrated topic for the calibrated mapping, and the sink settings from the environment', () => {
    expect(parse(['--mapping', 'calibrated'], {
      KALIBRA_TOPIC_CALIBRATED: 'cal', KALIBRA_SINK_BATCH_SIZE: '1000', KALIBRA_SINK_WRITE_METHOD: 'unnest',
      KALIBRA_SINK_SCHEMA: 'kalibra', KALIBRA_INSTANCE_ID: 'sink-0', KALIBRA_SINK_CONNECTOR: 'cal-sink',
    })).toMatchObject({
      mapping: 'calibrated', topic: 'cal', batchSize: 1_000, writeMethod: 'unnest', schema: 'kalibra', instanceId: 'sink-0', connector: 'cal-sink',
    });
  });

  it.each([
    [['--mapping', 'other'], /^--mapping: "other" is not one of raw, calibrated$/],
    [[], /KALIBRA_SINK_MAPPING.*required/],
    [['--mapping', 'raw', '--kalibra-sink-write-method', 'fast'], /^--kalibra-sink-write-method: /],
    [['--mapping', 'raw', '--kalibra-sink-batch-size', '0'], /^--kalibra-sink-batch-size: /],
  ])('reject %j naming the option as it was given', (argv, message) => {
    expect(() => parseConfig(sinkCommandOptions, { argv, env: {} })).toThrow(message);
  });

  it('never take the database URL as a flag', () => {
    expect(() => parseConfig(sinkCommandOptions, { argv: ['--mapping', 'raw', '--database-url', 'postgres://x'], env: {} })).toThrow();
  });
});
