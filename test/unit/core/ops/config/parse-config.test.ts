import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineOptions } from '../../../../../topology/core/ops/config/option.ts';
import { parseConfig } from '../../../../../topology/core/ops/config/parse-config.ts';
import { ConfigError } from '../../../../../topology/core/ops/errors.ts';
import { kafkaOptions } from '../../../../../topology/core/ops/kafka/kafka-options.ts';
import { databaseOptions } from '../../../../../topology/core/ops/config/database-options.ts';
import { thrownError } from '../../../../helpers/thrown.ts';

const declarations = defineOptions({
  ...kafkaOptions,
  ...databaseOptions,
  port: { env: 'KALIBRA_HTTP_PORT', type: 'int', default: 8080, min: 0, max: 65535, description: 'port' },
  batchMax: { env: 'SINK_BATCH_MAX', type: 'int', description: 'optional int' },
  linger: { env: 'SINK_LINGER', type: 'duration', default: 250, description: 'linger' },
  groupId: { env: 'KALIBRA_GROUP_ID', type: 'string', required: true, description: 'group' },
  sensor: { type: 'list', description: 'sensors to replay' },
  dryRun: { type: 'bool', description: 'only show' },
});

const files = (contents: Record<string, string>) => (path: string): string => {
  const content = contents[path];
  if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return content;
};

function parse(env: Record<string, string>, argv: string[] = [], readFile = files({})) {
  const result = parseConfig(declarations, { env: { KALIBRA_GROUP_ID: 'g', ...env }, argv, readFile });
  if (result.help) throw new Error('unexpected help');
  return result;
}

describe('parseConfig', () => {
  it('applies defaults when nothing is set', () => {
    const { values } = parse({});
    expect(values.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(values.kafkaTls).toBe(false);
    expect(values.port).toBe(8080);
    expect(values.linger).toBe(250);
    expect(values.batchMax).toBeUndefined();
    expect(values.sensor).toEqual([]);
    expect(values.databaseUrl.reveal()).toBe('postgres://postgres@127.0.0.1:5432/kalibra');
  });

  it('reads typed values from the environment', () => {
    const { values } = parse({ KAFKA_BROKERS: 'a:1, b:2,', KAFKA_TLS: 'true', KALIBRA_HTTP_PORT: '0', SINK_LINGER: '2s', SINK_BATCH_MAX: '500' });
    expect(values.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(values.kafkaTls).toBe(true);
    expect(values.port).toBe(0);
    expect(values.linger).toBe(2000);
    expect(values.batchMax).toBe(500);
  });

  it('lets a kebab-case flag override the environment variable of the same name', () => {
    const { values } = parse({ KAFKA_BROKERS: 'env:1' }, ['--kafka-brokers', 'flag:1', '--kalibra-http-port=9000']);
    expect(values.kafkaBrokers).toEqual(['flag:1']);
    expect(values.port).toBe(9000);
  });

  it('accepts --x and --no-x for booleans', () => {
    expect(parse({}, ['--kafka-tls']).values.kafkaTls).toBe(true);
    expect(parse({ KAFKA_TLS: 'true' }, ['--no-kafka-tls']).values.kafkaTls).toBe(false);
    expect(parse({}, ['--dry-run']).values.dryRun).toBe(true);
    expect(parse({ KAFKA_TLS: 'true' }, ['--kafka-tls=no']).values.kafkaTls).toBe(false);
    expect(thrownError(ConfigError, () => parse({}, ['--no-kafka-tls=true'])).message).toBe('--no-kafka-tls: takes no value');
  });

  it('accumulates a repeated list flag and keeps positionals in order', () => {
    const result = parse({}, ['check', '--sensor', 'a', '--sensor=b,c', 'more', '--', '--not-a-flag']);
    expect(result.values.sensor).toEqual(['a', 'b', 'c']);
    expect(result.positionals).toEqual(['check', 'more', '--not-a-flag']);
  });

  it('treats an empty environment variable as unset', () => {
    expect(parse({ KALIBRA_HTTP_PORT: '' }).values.port).toBe(8080);
  });

  it('reads a secret from <ENV>_FILE and trims the trailing newline', () => {
    const result = parse({ KAFKA_SASL_PASSWORD_FILE: '/run/secrets/pw' }, [], files({ '/run/secrets/pw': 's3cret-pw\n' }));
    expect(result.values.kafkaSaslPassword?.reveal()).toBe('s3cret-pw');
    expect(result.secrets).toEqual(['s3cret-pw']);
  });

  it('does not count a secret option\'s documented default as a secret to redact', () => {
    expect(parse({}).secrets).toEqual([]);
    expect(parse({ DATABASE_URL: 'postgres://u:pw@db/k' }).secrets).toEqual(['postgres://u:pw@db/k']);
  });

  it('rejects an empty secret file, naming the variable that named the file', () => {
    const error = thrownError(ConfigError, () => parse({ KAFKA_SASL_PASSWORD_FILE: '/pw' }, [], files({ '/pw': '\n' })));
    expect(error.message).toBe('KAFKA_SASL_PASSWORD_FILE: is empty');
  });

  it('reads a secret file named by a --x-file flag', () => {
    const result = parse({}, ['--database-url-file', '/db'], files({ '/db': 'postgres://u:pw@h/db\r\n' }));
    expect(result.values.databaseUrl.reveal()).toBe('postgres://u:pw@h/db');
  });

  it('rejects a secret given as a flag without echoing its value', () => {
    for (const argv of [['--kafka-sasl-password', 'hunter2'], ['--kafka-sasl-password=hunter2'], ['--database-url=postgres://u:hunter2@h/db']]) {
      const error = thrownError(ConfigError, () => parse({}, argv));
      expect(error.code).toBe('CONFIG_SECRET_AS_FLAG');
      expect(error.message).toMatch(/is a secret and is not accepted as a flag/);
      expect(error.message).not.toContain('hunter2');
    }
  });

  it('rejects setting both a secret and its _FILE', () => {
    const error = thrownError(ConfigError, () => parse({ KAFKA_SASL_PASSWORD: 'x', KAFKA_SASL_PASSWORD_FILE: '/pw' }, [], files({ '/pw': 'y' })));
    expect(error.message).toBe('KAFKA_SASL_PASSWORD: both KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are set; set only one');
  });

  it('names the option and the path when a _FILE cannot be read', () => {
    const error = thrownError(ConfigError, () => parse({ DATABASE_URL_FILE: '/nope' }));
    expect(error.code).toBe('CONFIG_FILE_UNREADABLE');
    expect(error.message).toBe('DATABASE_URL_FILE: cannot read "/nope" (ENOENT)');
  });

  it('names the option and the bad value, and reports every bad option at once', () => {
    const error = thrownError(ConfigError, () => parse({ KALIBRA_HTTP_PORT: 'eighty', KAFKA_TLS: 'maybe', SINK_LINGER: '10 parsecs', KAFKA_SASL_MECHANISM: 'MD5' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.issues.map((issue) => issue.option)).toEqual(['KAFKA_TLS', 'KAFKA_SASL_MECHANISM', 'KALIBRA_HTTP_PORT', 'SINK_LINGER']);
    expect(error.message).toContain('KALIBRA_HTTP_PORT: "eighty" is not an integer');
    expect(error.message).toContain('KAFKA_TLS: "maybe" is not a boolean');
    expect(error.message).toContain('KAFKA_SASL_MECHANISM: "MD5" is not one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN');
    expect(error.message).toContain('SINK_LINGER: "10 parsecs" is not a duration');
  });

  it('names the flag when the bad value came from the command line, the variable when from the environment', () => {
    expect(thrownError(ConfigError, () => parse({}, ['--kalibra-http-port', '99999'])).message).toBe('--kalibra-http-port: 99999 is above the maximum 65535');
    expect(thrownError(ConfigError, () => parse({}, ['--kafka-sasl-mechanism=MD5'])).message).toMatch(/^--kafka-sasl-mechanism: "MD5" is not one of/);
    // The flag wins over the variable, and so does the name in the message.
    expect(thrownError(ConfigError, () => parse({ KALIBRA_HTTP_PORT: '1' }, ['--kalibra-http-port', 'x'])).message).toBe('--kalibra-http-port: "x" is not an integer');
    expect(thrownError(ConfigError, () => parse({ KALIBRA_HTTP_PORT: 'x' })).message).toBe('KALIBRA_HTTP_PORT: "x" is not an integer');
    expect(thrownError(ConfigError, () => parse({}, ['--database-url-file', '/nope'])).message).toBe('--database-url-file: cannot read "/nope" (ENOENT)');
  });

  it('enforces integer ranges', () => {
    expect(thrownError(ConfigError, () => parse({ KALIBRA_HTTP_PORT: '70000' })).message).toBe('KALIBRA_HTTP_PORT: 70000 is above the maximum 65535');
  });

  it('says how to set a missing required option', () => {
    const error = thrownError(ConfigError, () => parseConfig(declarations, { env: {}, argv: [] }));
    expect(error.message).toBe('KALIBRA_GROUP_ID: is required (set KALIBRA_GROUP_ID or --kalibra-group-id)');
  });

  it('rejects unknown flags and a flag missing its value', () => {
    expect(thrownError(ConfigError, () => parse({}, ['--kafka-broker', 'x'])).message).toMatch(/^--kafka-broker: unknown flag/);
    expect(thrownError(ConfigError, () => parse({}, ['-x'])).code).toBe('CONFIG_UNKNOWN_FLAG');
    expect(thrownError(ConfigError, () => parse({}, ['--no-kalibra-http-port'])).code).toBe('CONFIG_UNKNOWN_FLAG');
    expect(thrownError(ConfigError, () => parse({}, ['--kafka-client-id'])).message).toBe('--kafka-client-id: needs a value');
  });

  it('returns help for --help or -h before validating anything', () => {
    expect(parseConfig(declarations, { env: {}, argv: ['--kalibra-http-port=bad', '--help'] })).toEqual({ help: true });
    expect(parseConfig(declarations, { env: {}, argv: ['-h'] })).toEqual({ help: true });
  });

  it('types parsed values from the declarations: defaults and required make them defined, choices narrow them', () => {
    const { values } = parse({});
    expectTypeOf(values.port).toEqualTypeOf<number>();
    expectTypeOf(values.batchMax).toEqualTypeOf<number | undefined>();
    expectTypeOf(values.groupId).toEqualTypeOf<string>();
    expectTypeOf(values.kafkaSaslMechanism).toEqualTypeOf<'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'PLAIN' | undefined>();
    expectTypeOf(values.dryRun).toEqualTypeOf<boolean>();
    expectTypeOf(values.sensor).toEqualTypeOf<string[]>();
    const inline = parseConfig({ ...kafkaOptions, retries: { env: 'RETRIES', type: 'int', default: 3, description: 'r' } }, { env: {}, argv: [] });
    if (!inline.help) expectTypeOf(inline.values.retries).toEqualTypeOf<number>();
  });

  it('never shows a secret value when the parsed config is printed', () => {
    const { values } = parse({ KAFKA_SASL_PASSWORD: 'hunter2', DATABASE_URL: 'postgres://u:hunter2@db/k' });
    expect(JSON.stringify(values)).not.toContain('hunter2');
    expect(String(values.kafkaSaslPassword)).toBe('[redacted]');
    expect(`${JSON.stringify(values.databaseUrl)}`).toBe('"[redacted]"');
  });
});
