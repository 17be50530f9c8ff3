// Reads bin/sink's configuration from the environment and flags (same names, kebab-case),
// secrets only from the environment or *_FILE, and turns it into SinkOptions. A local
// stand-in until topology/core/ops's shared config lands; errors name the flag or variable.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ConnectionOptions, SASLMechanismValue } from '@platformatic/kafka';
import { SinkError } from './errors.js';
import type { MappingName } from './mappings/mapping.js';
import type { WriteMethod } from './row-writers.js';
import type { SinkOptions } from './sink-options.js';

interface Setting {
  env: string;
  help: string;
  default?: string;
  secret?: boolean;
}

const settings = {
  mapping: { env: 'KALIBRA_SINK_MAPPING', help: 'raw (readings.raw → raw_readings) or calibrated (→ calibrated_readings)' },
  kafkaBrokers: { env: 'KAFKA_BROKERS', help: 'comma-separated bootstrap brokers', default: '127.0.0.1:9092' },
  kafkaClientId: { env: 'KAFKA_CLIENT_ID', help: 'Kafka client id', default: 'kalibra-sink' },
  kafkaTls: { env: 'KAFKA_TLS', help: 'true to connect with TLS', default: 'false' },
  kafkaTlsCaFile: { env: 'KAFKA_TLS_CA_FILE', help: 'CA bundle (PEM) for TLS' },
  kafkaTlsCertFile: { env: 'KAFKA_TLS_CERT_FILE', help: 'client certificate (PEM) for mutual TLS' },
  kafkaTlsKeyFile: { env: 'KAFKA_TLS_KEY_FILE', help: 'client key (PEM) for mutual TLS' },
  kafkaSaslMechanism: { env: 'KAFKA_SASL_MECHANISM', help: 'SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN' },
  kafkaSaslUsername: { env: 'KAFKA_SASL_USERNAME', help: 'SASL user' },
  kafkaSaslPassword: { env: 'KAFKA_SASL_PASSWORD', help: 'SASL password (or KAFKA_SASL_PASSWORD_FILE)', secret: true },
  databaseUrl: { env: 'DATABASE_URL', help: 'Postgres URL (or DATABASE_URL_FILE)', default: 'postgres://postgres@127.0.0.1:5432/kalibra', secret: true },
  httpPort: { env: 'KALIBRA_HTTP_PORT', help: '/healthz /readyz /metrics port', default: '8080' },
  logLevel: { env: 'KALIBRA_LOG_LEVEL', help: 'debug, info, warn or error', default: 'info' },
  instanceId: { env: 'KALIBRA_INSTANCE_ID', help: 'static group member id (default: hostname)' },
  groupId: { env: 'KALIBRA_GROUP_ID', help: 'consumer group (default: the connector name)' },
  topicRaw: { env: 'KALIBRA_TOPIC_RAW', help: 'raw readings topic', default: 'readings.raw' },
  topicCalibrated: { env: 'KALIBRA_TOPIC_CALIBRATED', help: 'calibrated readings topic', default: 'readings.calibrated' },
  topicDlq: { env: 'KALIBRA_TOPIC_DLQ', help: 'dead-letter topic', default: 'readings.dlq' },
  connector: { env: 'KALIBRA_SINK_CONNECTOR', help: 'name in kalibra_sink_offsets (default kalibra-sink-<mapping>)' },
  schema: { env: 'KALIBRA_SINK_SCHEMA', help: 'Postgres schema of the tables', default: 'public' },
  batchSize: { env: 'KALIBRA_SINK_BATCH_SIZE', help: 'records per batch at most', default: '5000' },
  batchLingerMs: { env: 'KALIBRA_SINK_BATCH_LINGER_MS', help: 'longest wait before a partial batch is written', default: '200' },
  writeMethod: { env: 'KALIBRA_SINK_WRITE_METHOD', help: 'copy or unnest (default copy, the faster in bench/RESULTS.md)' },
  sessionTimeoutMs: { env: 'KALIBRA_SINK_SESSION_TIMEOUT_MS', help: 'consumer group session timeout', default: '30000' },
} satisfies Record<string, Setting>;

type Name = keyof typeof settings;

const flagOf = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function sinkHelp(): string {
  const lines = (Object.entries(settings) as [Name, Setting][]).map(([name, s]) => {
    const how = s.secret ? `${s.env} / ${s.env}_FILE (never a flag)` : `${flagOf(name)}, ${s.env}`;
    return `  ${how}\n      ${s.help}${s.default && !s.secret ? ` (default ${s.default})` : ''}`;
  });
  return `Usage: bin/sink --mapping raw|calibrated [options]\n\nExactly-once Kafka → Postgres sink.\n\n${lines.join('\n')}\n`;
}

export interface SinkConfig {
  sink: SinkOptions;
  httpPort: number;
  logLevel: string;
}

function readSecretFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new SinkError('CONFIG_INVALID', `${variable}: cannot read ${path}`, { cause: error });
  }
}

export function parseSinkConfig(argv: readonly string[], env: NodeJS.ProcessEnv): SinkConfig {
  const flags = new Map<Name, string>();
  const byFlag = new Map((Object.keys(settings) as Name[]).map((name) => [flagOf(name), name]));
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = byFlag.get(flag);
    if (!name) throw new SinkError('CONFIG_INVALID', `unknown argument ${flag} (see --help)`);
    if ((settings[name] as Setting).secret) throw new SinkError('CONFIG_INVALID', `${flag} is a secret: set ${settings[name].env} or ${settings[name].env}_FILE instead`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new SinkError('CONFIG_INVALID', `${flag} needs a value`);
    flags.set(name, value);
  }
  const get = (name: Name): string | undefined => {
    const s: Setting = settings[name];
    const file = env[`${s.env}_FILE`];
    return flags.get(name) ?? env[s.env] ?? (file ? readSecretFile(file, `${s.env}_FILE`) : undefined) ?? s.default;
  };
  const integer = (name: Name): number => {
    const text = get(name) ?? '';
    if (!/^\d+$/.test(text)) throw new SinkError('CONFIG_INVALID', `${flagOf(name)} / ${settings[name].env} must be a whole number, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  const mapping = get('mapping');
  if (mapping !== 'raw' && mapping !== 'calibrated') {
    throw new SinkError('CONFIG_INVALID', `--mapping / KALIBRA_SINK_MAPPING must be raw or calibrated, got ${JSON.stringify(mapping ?? '')}`);
  }
  const connection: ConnectionOptions = {};
  if (get('kafkaTls') === 'true') {
    const file = (name: Name): Buffer | undefined => {
      const path = get(name);
      return path ? Buffer.from(readSecretFile(path, settings[name].env)) : undefined;
    };
    connection.tls = { ca: file('kafkaTlsCaFile'), cert: file('kafkaTlsCertFile'), key: file('kafkaTlsKeyFile') };
  }
  const mechanism = get('kafkaSaslMechanism');
  if (mechanism !== undefined) {
    if (!['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'].includes(mechanism)) {
      throw new SinkError('CONFIG_INVALID', `--kafka-sasl-mechanism / KAFKA_SASL_MECHANISM must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, got ${JSON.stringify(mechanism)}`);
    }
    connection.sasl = { mechanism: mechanism as SASLMechanismValue, username: get('kafkaSaslUsername'), password: get('kafkaSaslPassword') };
  }
  const mappingName: MappingName = mapping;
  const instanceId = get('instanceId') ?? hostname();
  return {
    httpPort: integer('httpPort'),
    logLevel: get('logLevel') ?? 'info',
    sink: {
      mapping: mappingName,
      topic: (mappingName === 'raw' ? get('topicRaw') : get('topicCalibrated')) ?? '',
      dlqTopic: get('topicDlq') ?? '',
      connector: get('connector'),
      groupId: get('groupId'),
      instanceId,
      schema: get('schema'),
      databaseUrl: get('databaseUrl') ?? '',
      kafka: { ...connection, bootstrapBrokers: (get('kafkaBrokers') ?? '').split(',').filter(Boolean), clientId: `${get('kafkaClientId') ?? 'kalibra-sink'}-${instanceId}` },
      batchSize: integer('batchSize'),
      batchLingerMs: integer('batchLingerMs'),
      writeMethod: get('writeMethod') as WriteMethod | undefined,
      sessionTimeoutMs: integer('sessionTimeoutMs'),
    },
  };
}
