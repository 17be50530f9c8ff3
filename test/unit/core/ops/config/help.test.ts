import { describe, expect, it } from 'vitest';
import { renderHelp } from '../../../../../topology/core/ops/config/help.ts';
import { defineOptions } from '../../../../../topology/core/ops/config/option.ts';
import { databaseOptions } from '../../../../../topology/core/ops/config/database-options.ts';
import { kafkaOptions } from '../../../../../topology/core/ops/kafka/kafka-options.ts';

const declarations = defineOptions({
  ...kafkaOptions,
  ...databaseOptions,
  groupId: { env: 'KALIBRA_GROUP_ID', type: 'string', required: true, group: 'Calibrator', description: 'Consumer group of the calibrator.' },
  linger: { env: 'SINK_LINGER', type: 'duration', default: 90_000, group: 'Calibrator', description: 'How long to wait.' },
  dryRun: { type: 'bool', description: 'Show what would happen, change nothing.' },
});

const help = renderHelp(declarations, { usage: 'bin/replay [options]', summary: 'Recalibrates history.', epilog: 'Exit codes: 0 done, 2 bad arguments.' });

describe('renderHelp', () => {
  it('starts with the usage line and the summary', () => {
    expect(help.split('\n').slice(0, 3)).toEqual(['Usage: bin/replay [options]', '', 'Recalibrates history.']);
  });

  it('lists options under their group headings in declaration order', () => {
    const headings = help.split('\n').filter((line) => /^\S.*:$/.test(line));
    expect(headings).toEqual(['Kafka:', 'Postgres:', 'Calibrator:', 'Options:']);
  });

  it('shows each flag with its environment variable and default', () => {
    expect(help).toContain('  --kafka-brokers <list>  [env KAFKA_BROKERS]  (default: 127.0.0.1:9092)');
    expect(help).toContain('  --kafka-tls, --no-kafka-tls  [env KAFKA_TLS]  (default: false)');
    expect(help).toContain('  --sink-linger <duration>  [env SINK_LINGER]  (default: 90s)');
    expect(help).toContain('  --kalibra-group-id <string>  [env KALIBRA_GROUP_ID]  (required)');
    expect(help).toContain('  --dry-run, --no-dry-run  (default: false)');
  });

  it('offers secrets only as environment variables or a -file flag', () => {
    expect(help).toContain('  --kafka-sasl-password-file <path>  [env KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE]');
    expect(help).not.toMatch(/--kafka-sasl-password </);
    expect(help).toMatch(/never a flag, never logged/);
  });

  it('lists the allowed values of a choice', () => {
    expect(help).toMatch(/One of:\s+SCRAM-SHA-512, SCRAM-SHA-256, PLAIN/);
  });

  it('wraps descriptions so no line passes 100 columns except a long flag line', () => {
    const long = help.split('\n').filter((line) => line.length > 100 && !line.startsWith('  --'));
    expect(long).toEqual([]);
  });

  it('ends with --help and the epilog', () => {
    expect(help).toContain('  -h, --help  show this help and exit');
    expect(help.trimEnd().endsWith('Exit codes: 0 done, 2 bad arguments.')).toBe(true);
  });
});
