// The options every Kafka process reads (KAFKA_*), declared once so each command spreads them
// into its own declarations: `parseConfig({ ...kafkaOptions, ...myOptions })`.
import { defineOptions } from '../config/option.ts';

export const KafkaSaslMechanisms = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type KafkaSaslMechanism = (typeof KafkaSaslMechanisms)[number];

const group = 'Kafka';

export const kafkaOptions = defineOptions({
  kafkaBrokers: {
    env: 'KAFKA_BROKERS', type: 'list', default: ['127.0.0.1:9092'], group,
    description: 'Bootstrap brokers as host:port.',
  },
  kafkaClientId: {
    env: 'KAFKA_CLIENT_ID', type: 'string', placeholder: 'id', group, defaultLabel: 'kalibra-<command>',
    description: 'Client id the brokers see in their logs and quotas.',
  },
  kafkaTls: {
    env: 'KAFKA_TLS', type: 'bool', default: false, group,
    description: 'Connect with TLS. Without a CA file the system trust store verifies the brokers.',
  },
  kafkaTlsCaFile: {
    env: 'KAFKA_TLS_CA_FILE', type: 'string', placeholder: 'path', group,
    description: 'PEM file with the CA certificate(s) that signed the brokers\' certificates (Strimzi: the cluster CA). Needs KAFKA_TLS=true.',
  },
  kafkaTlsCertFile: {
    env: 'KAFKA_TLS_CERT_FILE', type: 'string', placeholder: 'path', group,
    description: 'PEM client certificate for mutual TLS (Strimzi: user.crt). Needs KAFKA_TLS_KEY_FILE.',
  },
  kafkaTlsKeyFile: {
    env: 'KAFKA_TLS_KEY_FILE', type: 'string', placeholder: 'path', group,
    description: 'PEM private key of the client certificate (Strimzi: user.key). Needs KAFKA_TLS_CERT_FILE.',
  },
  kafkaSaslMechanism: {
    env: 'KAFKA_SASL_MECHANISM', type: 'string', choices: KafkaSaslMechanisms, placeholder: 'mechanism', group,
    description: 'SASL mechanism; when set, KAFKA_SASL_USERNAME and the password are required.',
  },
  kafkaSaslUsername: {
    env: 'KAFKA_SASL_USERNAME', type: 'string', placeholder: 'name', group,
    description: 'SASL user name (Strimzi: the KafkaUser name).',
  },
  kafkaSaslPassword: {
    env: 'KAFKA_SASL_PASSWORD', type: 'secret', group,
    description: 'SASL password.',
  },
});
