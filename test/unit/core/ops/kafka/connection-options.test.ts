import { describe, expect, it } from 'vitest';
import { kafkaConnectionOptions } from '../../../../../topology/core/ops/kafka/connection-options.ts';
import type { KafkaConfig } from '../../../../../topology/core/ops/kafka/connection-options.ts';
import { kafkaOptions } from '../../../../../topology/core/ops/kafka/kafka-options.ts';
import { parseConfig } from '../../../../../topology/core/ops/config/parse-config.ts';
import { ConfigError } from '../../../../../topology/core/ops/errors.ts';

const PASSWORD = 'pw-that-must-not-leak';

function config(env: Record<string, string>): KafkaConfig {
  const parsed = parseConfig(kafkaOptions, { env, argv: [] });
  if (parsed.help) throw new Error('unexpected help');
  return parsed.values;
}

const files: Record<string, string> = { '/tls/ca.crt': 'CA PEM', '/tls/user.crt': 'CERT PEM', '/tls/user.key': 'KEY PEM' };
const readFile = (path: string): Promise<Buffer> => {
  const content = files[path];
  return content === undefined
    ? Promise.reject(Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' }))
    : Promise.resolve(Buffer.from(content));
};

const build = (env: Record<string, string>) => kafkaConnectionOptions(config(env), { defaultClientId: 'kalibra-test', readFile });

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError, got ${String(error)}`);
}

describe('kafkaConnectionOptions', () => {
  it('builds plaintext options from the defaults', async () => {
    expect(await build({})).toEqual({ bootstrapBrokers: ['127.0.0.1:9092'], clientId: 'kalibra-test' });
  });

  it('uses KAFKA_CLIENT_ID over the command default', async () => {
    expect((await build({ KAFKA_CLIENT_ID: 'mine' })).clientId).toBe('mine');
  });

  it('enables TLS with the system trust store when no CA file is given', async () => {
    expect((await build({ KAFKA_TLS: 'true' })).tls).toEqual({});
  });

  it('sends the broker host name as SNI, except when a bootstrap broker is an IP address', async () => {
    expect((await build({ KAFKA_TLS: 'true', KAFKA_BROKERS: 'kafka-bootstrap.kafka.svc:9093' })).tlsServerName).toBe(true);
    expect((await build({ KAFKA_TLS: 'true', KAFKA_BROKERS: 'kafka:9093,10.0.0.7:9093' })).tlsServerName).toBeUndefined();
    expect((await build({ KAFKA_TLS: 'true', KAFKA_BROKERS: '[::1]:9093' })).tlsServerName).toBeUndefined();
    expect((await build({ KAFKA_BROKERS: 'kafka:9092' })).tlsServerName).toBeUndefined();
  });

  it('reads the CA, client certificate and key from disk for mutual TLS', async () => {
    const options = await build({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/tls/ca.crt', KAFKA_TLS_CERT_FILE: '/tls/user.crt', KAFKA_TLS_KEY_FILE: '/tls/user.key' });
    expect(options.tls).toEqual({ ca: Buffer.from('CA PEM'), cert: Buffer.from('CERT PEM'), key: Buffer.from('KEY PEM') });
    expect(options.tlsServerName).toBeUndefined();
  });

  it('names the option and path of a TLS file that cannot be read', async () => {
    const error = await rejection(build({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/tls/missing.crt' }));
    expect(error.code).toBe('CONFIG_FILE_UNREADABLE');
    expect(error.message).toBe('KAFKA_TLS_CA_FILE: cannot read "/tls/missing.crt" (ENOENT)');
  });

  it('rejects TLS files while KAFKA_TLS is false', async () => {
    const error = await rejection(build({ KAFKA_TLS_CA_FILE: '/tls/ca.crt' }));
    expect(error.message).toBe('KAFKA_TLS_CA_FILE: is set but KAFKA_TLS is false; set KAFKA_TLS=true to use TLS');
  });

  it('rejects a client certificate without its key', async () => {
    const error = await rejection(build({ KAFKA_TLS: 'true', KAFKA_TLS_CERT_FILE: '/tls/user.crt' }));
    expect(error.message).toBe('KAFKA_TLS_KEY_FILE: a client certificate needs both KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE');
  });

  it('builds SCRAM options whose password is a provider, so the options object holds no secret', async () => {
    const options = await build({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'calibrator', KAFKA_SASL_PASSWORD: PASSWORD });
    expect(options.sasl).toMatchObject({ mechanism: 'SCRAM-SHA-512', username: 'calibrator' });
    const password = options.sasl?.password;
    expect(typeof password).toBe('function');
    expect(typeof password === 'function' ? await password() : undefined).toBe(PASSWORD);
    expect(JSON.stringify(options)).not.toContain(PASSWORD);
  });

  it.each(['SCRAM-SHA-256', 'PLAIN'])('accepts the %s mechanism', async (mechanism) => {
    const options = await build({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: PASSWORD });
    expect(options.sasl?.mechanism).toBe(mechanism);
  });

  it('requires a username and password with a mechanism, without echoing anything secret', async () => {
    const error = await rejection(build({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' }));
    expect(error.issues.map((issue) => issue.option)).toEqual(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']);
    expect(error.message).toContain('KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM=SCRAM-SHA-512 (or KAFKA_SASL_PASSWORD_FILE)');
  });

  it('rejects SASL credentials without a mechanism and never puts the password in the message', async () => {
    const error = await rejection(build({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: PASSWORD }));
    expect(error.message).toBe('KAFKA_SASL_USERNAME: is set but KAFKA_SASL_MECHANISM is not; KAFKA_SASL_PASSWORD: is set but KAFKA_SASL_MECHANISM is not');
    expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(PASSWORD);
  });

  it('rejects brokers that are not host:port', async () => {
    const error = await rejection(build({ KAFKA_BROKERS: 'kafka:9092,kafka-1,[::1]:9092' }));
    expect(error.message).toBe('KAFKA_BROKERS: "kafka-1" is not host:port');
  });
});
