// Turns the parsed KAFKA_* options into the connection part of @platformatic/kafka's client
// options (brokers, client id, TLS with files read from disk, SASL). Checks that the options
// fit together. The password is handed over as a function, so the options object itself
// holds no secret if anything ever prints it; no message here contains a secret.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { ConfigValues } from '../config/option.ts';
import { ConfigError } from '../errors.ts';
import type { ConfigIssue } from '../errors.ts';
import type { kafkaOptions } from './kafka-options.ts';

export type KafkaConfig = ConfigValues<typeof kafkaOptions>;

/** What every Kafka client (Producer, Consumer, Admin) of a process is built from. */
export type KafkaConnectionOptions = Pick<BaseOptions, 'bootstrapBrokers' | 'clientId' | 'tls' | 'tlsServerName' | 'sasl'>;

export interface ConnectionOptionsContext {
  /** Used when KAFKA_CLIENT_ID is not set, e.g. `kalibra-calibrator`. */
  defaultClientId: string;
  /** Reads a TLS file; default fs.readFile. */
  readFile?: (path: string) => Promise<Buffer>;
}

export async function kafkaConnectionOptions(config: KafkaConfig, context: ConnectionOptionsContext): Promise<KafkaConnectionOptions> {
  const issues = consistencyIssues(config);
  const read = context.readFile ?? ((path: string) => readFile(path));
  const files = await Promise.all([
    ['KAFKA_TLS_CA_FILE', config.kafkaTlsCaFile],
    ['KAFKA_TLS_CERT_FILE', config.kafkaTlsCertFile],
    ['KAFKA_TLS_KEY_FILE', config.kafkaTlsKeyFile],
  ].map(async ([option = '', path]) => {
    if (path === undefined || issues.length > 0) return undefined;
    try {
      return await read(path);
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      issues.push({ code: 'CONFIG_FILE_UNREADABLE', option, message: `cannot read "${path}" (${reason})` });
      return undefined;
    }
  }));
  const [first, ...rest] = issues;
  if (first !== undefined) throw new ConfigError([first, ...rest]);

  const [ca, cert, key] = files;
  const options: KafkaConnectionOptions = {
    bootstrapBrokers: config.kafkaBrokers,
    clientId: config.kafkaClientId ?? context.defaultClientId,
  };
  if (config.kafkaTls) {
    const tls: TlsOptions = {};
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    options.tls = tls;
    // Node sends no SNI unless asked, and Strimzi's route/ingress listeners route by SNI. An IP
    // address is not a valid SNI name (RFC 6066; Node warns), so a bootstrap list of IPs goes without.
    if (!config.kafkaBrokers.some((broker) => isIP(brokerHost(broker)) !== 0)) options.tlsServerName = true;
  }
  if (config.kafkaSaslMechanism !== undefined) {
    const password = config.kafkaSaslPassword;
    const sasl: SASLOptions = {
      mechanism: config.kafkaSaslMechanism,
      username: config.kafkaSaslUsername,
      password: () => password?.reveal() ?? '',
    };
    options.sasl = sasl;
  }
  return options;
}

function brokerHost(broker: string): string {
  const host = broker.slice(0, broker.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** Combinations that cannot work, found before any file is read or socket opened. */
function consistencyIssues(config: KafkaConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const invalid = (option: string, message: string): void => { issues.push({ code: 'CONFIG_INVALID', option, message }); };
  if (config.kafkaBrokers.length === 0) invalid('KAFKA_BROKERS', 'needs at least one host:port');
  for (const broker of config.kafkaBrokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-f:.]+\]:\d{1,5}$/i.test(broker)) {
      invalid('KAFKA_BROKERS', `"${broker}" is not host:port`);
    }
  }
  if (!config.kafkaTls) {
    for (const [option, value] of [['KAFKA_TLS_CA_FILE', config.kafkaTlsCaFile], ['KAFKA_TLS_CERT_FILE', config.kafkaTlsCertFile],
      ['KAFKA_TLS_KEY_FILE', config.kafkaTlsKeyFile]] as const) {
      if (value !== undefined) invalid(option, 'is set but KAFKA_TLS is false; set KAFKA_TLS=true to use TLS');
    }
  }
  if ((config.kafkaTlsCertFile === undefined) !== (config.kafkaTlsKeyFile === undefined)) {
    invalid(config.kafkaTlsCertFile === undefined ? 'KAFKA_TLS_CERT_FILE' : 'KAFKA_TLS_KEY_FILE',
      'a client certificate needs both KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE');
  }
  if (config.kafkaSaslMechanism === undefined) {
    if (config.kafkaSaslUsername !== undefined) invalid('KAFKA_SASL_USERNAME', 'is set but KAFKA_SASL_MECHANISM is not');
    if (config.kafkaSaslPassword !== undefined) invalid('KAFKA_SASL_PASSWORD', 'is set but KAFKA_SASL_MECHANISM is not');
  } else {
    if (config.kafkaSaslUsername === undefined) invalid('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${config.kafkaSaslMechanism}`);
    if (config.kafkaSaslPassword === undefined) {
      invalid('KAFKA_SASL_PASSWORD', `is required with KAFKA_SASL_MECHANISM=${config.kafkaSaslMechanism} (or KAFKA_SASL_PASSWORD_FILE)`);
    }
  }
  return issues;
}
