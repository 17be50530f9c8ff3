import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSinkConfig, sinkHelp } from '../../../../connectors/postgres/sink-config.js';

describe('the sink configuration', () => {
  it('uses the defaults of the brief for the raw mapping', () => {
    const config = parseSinkConfig(['--mapping', 'raw'], { KALIBRA_INSTANCE_ID: 'pod-1' });
    expect(config.httpPort).toBe(8080);
    expect(config.sink).toMatchObject({
      mapping: 'raw', topic: 'readings.raw', dlqTopic: 'readings.dlq', instanceId: 'pod-1', schema: 'public',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/kalibra', batchSize: 5000, batchLingerMs: 200,
      kafka: { bootstrapBrokers: ['127.0.0.1:9092'], clientId: 'kalibra-sink-pod-1' },
    });
  });

  it('reads the calibrated topic for the calibrated mapping, flags over environment', () => {
    const config = parseSinkConfig(['--mapping=calibrated', '--topic-calibrated', 'cal', '--batch-size', '10'],
      { KALIBRA_TOPIC_CALIBRATED: 'ignored', KALIBRA_SINK_BATCH_SIZE: '99', KAFKA_BROKERS: 'a:1,b:2' });
    expect(config.sink).toMatchObject({ mapping: 'calibrated', topic: 'cal', batchSize: 10, kafka: { bootstrapBrokers: ['a:1', 'b:2'] } });
  });

  it('reads secrets from *_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sink-config-'));
    writeFileSync(join(dir, 'url'), 'postgres://u:secret@db/kalibra\n');
    writeFileSync(join(dir, 'pw'), 'hunter2');
    const config = parseSinkConfig(['--mapping', 'raw', '--kafka-sasl-mechanism', 'SCRAM-SHA-512', '--kafka-sasl-username', 'sink'],
      { DATABASE_URL_FILE: join(dir, 'url'), KAFKA_SASL_PASSWORD_FILE: join(dir, 'pw') });
    expect(config.sink.databaseUrl).toBe('postgres://u:secret@db/kalibra');
    expect(config.sink.kafka.sasl).toEqual({ mechanism: 'SCRAM-SHA-512', username: 'sink', password: 'hunter2' });
  });

  it.each([
    [['--mapping', 'raw', '--database-url', 'postgres://x'], /secret: set DATABASE_URL/],
    [['--mapping', 'raw', '--kafka-sasl-password', 'x'], /secret: set KAFKA_SASL_PASSWORD/],
    [['--mapping', 'nope'], /--mapping \/ KALIBRA_SINK_MAPPING must be raw or calibrated/],
    [[], /--mapping/],
    [['--mapping', 'raw', '--batch-size', 'many'], /--batch-size \/ KALIBRA_SINK_BATCH_SIZE must be a whole number/],
    [['--mapping', 'raw', '--frobnicate', '1'], /unknown argument --frobnicate/],
    [['--mapping'], /--mapping needs a value/],
  ])('rejects %j with an error naming the option', (argv, message) => {
    expect(() => parseSinkConfig(argv, {})).toThrow(message);
  });

  it('lists every variable in --help and never offers a secret as a flag', () => {
    const help = sinkHelp();
    expect(help).toContain('KALIBRA_SINK_SCHEMA');
    expect(help).toContain('DATABASE_URL / DATABASE_URL_FILE (never a flag)');
    expect(help).not.toContain('--database-url');
    expect(help).not.toContain('--kafka-sasl-password');
  });
});
