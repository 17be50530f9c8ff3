// The producer contract as machine-readable specs, generated from the definitions the code
// uses: the raw reading's JSON Schema from the validator's rawReadingFields, the calibrated
// reading's from calibratedReadingSchema, and an AsyncAPI 3.0 document of the four topics
// from contract/ (names, keys, partitioning, configs), the dead-letter headers and the
// replay-state records. dev/contract-specs.ts writes them to contract/specs/; a unit test
// fails when they are stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { calibratedReadingSchema } from '../../calibration/calibrated-message.ts';
import { ReadingErrorCodes } from '../../calibration/errors.ts';
import { rawReadingSchema } from '../../calibration/raw-reading.ts';
import { rawReadingConnectSchema, rawReadingEnvelope } from '../../calibration/raw-reading-envelope.ts';
import { SINK_CONNECTOR_HEADER } from '../../connectors/postgres/dead-letter-producer.ts';
import { SinkErrorCodes } from '../../connectors/postgres/errors.ts';
import { topicNameEnv } from '../../contract/topic-options.ts';
import { desiredTopics, type TopicRole } from '../../contract/topics.ts';
import { DeadLetterHeaders } from '../../topology/index.ts';
import { deadLetterExamples } from './dead-letter-examples.ts';

export const SPECS_DIR = join(import.meta.dirname, '..', '..', 'contract', 'specs');

type JsonSchema = Record<string, unknown>;

export function rawReadingJsonSchema(): JsonSchema {
  return z.toJSONSchema(rawReadingSchema, { target: 'draft-2020-12', io: 'input' });
}

/** The raw reading as a Kafka Connect JSON envelope (Connect mode), from calibration/raw-reading-envelope.ts. */
export function rawReadingConnectJsonSchema(): JsonSchema {
  const fieldSchema = { type: 'object', required: ['field', 'type'], properties: { field: { type: 'string' }, type: { type: 'string' }, optional: { type: 'boolean' }, name: { type: 'string' }, version: { type: 'integer' } } };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Kalibra raw reading, Connect JSON envelope',
    description: 'The value of a readings.raw record in Connect mode: the raw reading in the Kafka Connect JSON envelope the Debezium JDBC sink reads '
      + '(JsonConverter, schemas.enable=true). `schema` must be the one below (fields matched by name; field order and version do not matter); '
      + 'anything else is dead-lettered with INVALID_ENVELOPE. The record key is `<sensor_id>|<ts as epoch ms>`, as for the plain reading, and the '
      + 'plain reading\'s rules apply to the payload. The calibrator takes both forms in every mode.',
    type: 'object',
    required: ['schema', 'payload'],
    additionalProperties: false,
    properties: {
      schema: {
        type: 'object', required: ['type', 'fields'],
        properties: { type: { const: 'struct' }, fields: { type: 'array', items: fieldSchema } },
        examples: [rawReadingConnectSchema],
      },
      payload: {
        type: 'object', required: ['sensor_id', 'ts', 'value'], additionalProperties: false,
        properties: {
          sensor_id: { type: 'string', description: 'as in the plain reading' },
          ts: { type: 'integer', description: 'epoch milliseconds (Connect Timestamp)' },
          value: { type: 'number', description: 'the raw measurement, a finite number' },
          unit: { type: ['string', 'null'], description: 'as in the plain reading; null means the profile\'s input unit' },
          extra: { type: ['string', 'null'], description: 'the reading\'s other fields as the text of one JSON object (raw_readings.extra), or null' },
        },
      },
    },
    examples: [rawReadingEnvelope({ sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', value: 21.37, unit: 'celsius' })],
  };
}

export function calibratedReadingJsonSchema(): JsonSchema {
  return z.toJSONSchema(calibratedReadingSchema, { target: 'draft-2020-12', io: 'output' });
}

const offset = z.string().regex(/^\d+$/).meta({ description: 'a Kafka offset, as a decimal string' });

/** The replay-state records as encodeState writes them (topology/core/replay/state.ts); a unit test checks encodeState against these. */
export const replayRequestSchema = z.object({
  kind: z.literal('request'),
  epoch: z.int().min(1).meta({ description: 'the replay\'s number for this group and topic, one more than the last' }),
  group: z.string().meta({ description: 'the calibrator consumer group' }),
  topic: z.string().meta({ description: 'the raw topic' }),
  createdAt: z.string().meta({ description: 'ISO-8601 UTC' }),
  fromMs: z.int().meta({ description: 'the window\'s start, epoch ms (inclusive)' }),
  toMs: z.int().nullable().meta({ description: 'the window\'s end, epoch ms (exclusive); null for now' }),
  selector: z.object({
    sensors: z.array(z.string()).nullable().meta({ description: 'the chosen sensors, sorted; null for all' }),
    fromMs: z.int(),
    toMs: z.int().nullable(),
  }).meta({ description: 'what is recalibrated, decided from the record key (contract/replay-selector.ts)' }),
  partitions: z.array(z.object({ partition: z.int().min(0), fromOffset: offset, toOffset: offset, endOffset: offset })),
}).meta({ title: 'Replay request', description: 'Key `request|<group>|<topic>`. Written by bin/replay.' });

export const replayAppliedSchema = z.object({
  kind: z.literal('applied'),
  epoch: z.int().min(1),
  group: z.string(),
  topic: z.string(),
  partition: z.int().min(0),
  fromOffset: offset,
  resumeAt: offset.meta({ description: 'where the partition stood before the rewind: records from here on are live' }),
  toOffset: offset,
}).meta({ title: 'Replay applied mark', description: 'Key `applied|<group>|<topic>|<partition>`. Written by the calibrator in the same transaction as the rewound offset.' });

const schemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return rest;
};

const KEY_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\|-?\\d+$';

const channelText: Record<TopicRole, { title: string; description: string; message: string }> = {
  raw: {
    title: 'Raw readings',
    description: 'What producers send: one record per reading. The source of truth, kept forever; compaction only drops re-sends of the same key. '
      + 'Partition = murmur2 of the sensor part of the key (everything before the last `|`) modulo the partition count, as Kafka\'s Java client does, '
      + 'so one sensor\'s readings stay in order whichever client produced them. The record timestamp should be the reading\'s ts (bin/replay finds records by it).',
    message: 'rawReading',
  },
  calibrated: { title: 'Calibrated readings', description: 'Written by the calibrator in Kafka transactions under the raw record\'s key; read read_committed.', message: 'calibratedReading' },
  dlq: {
    title: 'Dead letters',
    description: 'Records that could not be used, unchanged (same key, same value bytes, original headers kept), with kalibra.error.* and kalibra.source.* headers added.',
    message: 'deadLetter',
  },
  replayState: { title: 'Replay state', description: 'Replay requests and which partition applied them (docs/architecture.md#replay). One partition, compacted.', message: 'replayState' },
};

const readingKeySchema = { type: 'string', pattern: KEY_PATTERN, description: '`<sensor_id>|<ts as epoch ms>`, unique per reading; built by readingKey() in contract/reading-key.ts', examples: ['sensor-001|1795927092123'] };

function kafkaBinding(key: JsonSchema): JsonSchema {
  return { kafka: { key, bindingVersion: '0.5.0' } };
}

function deadLetterHeadersSchema(): JsonSchema {
  const codes = [...ReadingErrorCodes, ...SinkErrorCodes.filter((code) => code.startsWith('RECORD_'))];
  return {
    type: 'object',
    required: [DeadLetterHeaders.errorCode, DeadLetterHeaders.errorMessage, DeadLetterHeaders.sourceTopic, DeadLetterHeaders.sourcePartition, DeadLetterHeaders.sourceOffset],
    properties: {
      [DeadLetterHeaders.errorCode]: { type: 'string', enum: codes, description: 'why: the calibrator\'s ReadingErrorCodes (calibration/errors.ts) or the sink\'s RECORD_* codes (connectors/postgres/errors.ts)' },
      [DeadLetterHeaders.errorMessage]: { type: 'string', maxLength: 4096, description: 'for people' },
      [DeadLetterHeaders.sourceTopic]: { type: 'string' },
      [DeadLetterHeaders.sourcePartition]: { type: 'string', pattern: '^\\d+$' },
      [DeadLetterHeaders.sourceOffset]: { type: 'string', pattern: '^\\d+$' },
      [SINK_CONNECTOR_HEADER]: { type: 'string', description: 'present only on the sinks\' dead letters: which sink rejected the record' },
    },
  };
}

/** The headers Kafka Connect adds to a record its sink connectors dead-letter (errors.deadletterqueue.context.headers.enable). */
function connectDeadLetterHeadersSchema(): JsonSchema {
  const text = (description: string): JsonSchema => ({ type: 'string', description });
  return {
    type: 'object',
    required: ['__connect.errors.topic', '__connect.errors.partition', '__connect.errors.offset', '__connect.errors.connector.name', '__connect.errors.exception.class.name'],
    properties: {
      '__connect.errors.topic': text('where the record came from'),
      '__connect.errors.partition': { type: 'string', pattern: '^\\d+$' },
      '__connect.errors.offset': { type: 'string', pattern: '^\\d+$' },
      '__connect.errors.connector.name': text('which connector rejected it, e.g. kalibra-raw-jdbc-sink'),
      '__connect.errors.task.id': { type: 'string', pattern: '^\\d+$' },
      '__connect.errors.stage': text('where in Connect it failed, e.g. VALUE_CONVERTER'),
      '__connect.errors.class.name': text('the class of that stage, e.g. org.apache.kafka.connect.json.JsonConverter'),
      '__connect.errors.exception.class.name': text('e.g. org.apache.kafka.connect.errors.DataException; Connect has no code list like kalibra.error.code'),
      '__connect.errors.exception.message': text('for people'),
      '__connect.errors.exception.stacktrace': text('for people'),
    },
  };
}

function printable(value: Buffer): string {
  const text = value.toString('utf8');
  if (value.length > 1024) return `<${value.length} bytes>`;
  return Buffer.from(text, 'utf8').equals(value) ? text : `<${value.length} bytes, not UTF-8: ${value.toString('base64')} in base64>`;
}

export function asyncApiDocument(): Record<string, unknown> {
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const channels: Record<string, unknown> = {};
  for (const topic of desiredTopics()) {
    const text = channelText[topic.role];
    const { 'cleanup.policy': cleanup, 'retention.ms': retention, ...otherConfigs } = topic.configs;
    channels[topic.role] = {
      address: topic.name,
      title: text.title,
      description: `${text.description} The name can be changed with ${topicNameEnv[topic.role]}.`,
      messages: {
        [text.message]: { $ref: `#/components/messages/${text.message}` },
        ...(topic.role === 'raw' ? { rawReadingConnect: { $ref: '#/components/messages/rawReadingConnect' } } : {}),
        ...(topic.role === 'dlq' ? { connectDeadLetter: { $ref: '#/components/messages/connectDeadLetter' } } : {}),
      },
      bindings: {
        kafka: {
          topic: topic.name, partitions: topic.partitions, replicas: topic.replicationFactor,
          topicConfiguration: { 'cleanup.policy': [cleanup], ...(retention === undefined ? {} : { 'retention.ms': Number(retention) }) },
          bindingVersion: '0.5.0',
        },
      },
      'x-kalibra-topic-configs': { ...otherConfigs },
    };
  }
  const stateKey = { type: 'string', pattern: '^(request\\|[^|]+\\|[^|]+|applied\\|[^|]+\\|[^|]+\\|\\d+)$', description: '`request|<group>|<topic>` or `applied|<group>|<topic>|<partition>`' };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Kalibra readings',
      version,
      description: 'The topics of the Kalibra calibration pipeline: what a producer sends, what the calibrator writes, dead letters and replay state. '
        + 'Generated by dev/contract-specs.ts from the code; do not edit.',
    },
    defaultContentType: 'application/json',
    channels,
    operations: {
      sendRawReading: {
        action: 'send', title: 'A producer sends a reading (plain JSON; in Connect mode the Connect JSON envelope)', channel: { $ref: '#/channels/raw' },
        messages: [{ $ref: '#/channels/raw/messages/rawReading' }, { $ref: '#/channels/raw/messages/rawReadingConnect' }],
      },
      receiveCalibratedReading: { action: 'receive', title: 'A consumer reads calibrated readings (read_committed)', channel: { $ref: '#/channels/calibrated' }, messages: [{ $ref: '#/channels/calibrated/messages/calibratedReading' }] },
      receiveDeadLetter: {
        action: 'receive', title: 'An operator reads dead letters', channel: { $ref: '#/channels/dlq' },
        messages: [{ $ref: '#/channels/dlq/messages/deadLetter' }, { $ref: '#/channels/dlq/messages/connectDeadLetter' }],
      },
      receiveReplayState: { action: 'receive', title: 'Calibrators read replay requests and marks', channel: { $ref: '#/channels/replayState' }, messages: [{ $ref: '#/channels/replayState/messages/replayState' }] },
    },
    components: {
      schemas: {
        rawReading: schemaOf(rawReadingSchema),
        rawReadingConnect: (({ $schema: _ignored, ...rest }) => rest)(rawReadingConnectJsonSchema()),
        calibratedReading: schemaOf(calibratedReadingSchema),
        replayRequest: schemaOf(replayRequestSchema),
        replayApplied: schemaOf(replayAppliedSchema),
      },
      messages: {
        rawReading: {
          name: 'rawReading', title: 'Raw reading', contentType: 'application/json',
          payload: { $ref: '#/components/schemas/rawReading' },
          bindings: kafkaBinding(readingKeySchema),
          examples: [{ name: 'celsius', payload: { sensor_id: 'sensor-001', ts: '2026-11-29T04:38:12.123Z', value: 21.37, unit: 'celsius' } }],
        },
        rawReadingConnect: {
          name: 'rawReadingConnect', title: 'Raw reading in a Connect JSON envelope (Connect mode)', contentType: 'application/json',
          payload: { $ref: '#/components/schemas/rawReadingConnect' },
          bindings: kafkaBinding(readingKeySchema),
        },
        calibratedReading: {
          name: 'calibratedReading', title: 'Calibrated reading', contentType: 'application/json',
          description: 'A tombstone (null value) under a key deletes that reading downstream.',
          payload: { $ref: '#/components/schemas/calibratedReading' },
          bindings: kafkaBinding(readingKeySchema),
        },
        deadLetter: {
          name: 'deadLetter', title: 'Dead letter', contentType: 'application/octet-stream',
          description: 'The original key and value bytes, unchanged.',
          headers: deadLetterHeadersSchema(),
          payload: { description: 'the original record value, any bytes' },
          bindings: kafkaBinding({ description: 'the original record key, unchanged (may be missing or malformed: that can be the reason)' }),
          examples: deadLetterExamples.map((example) => ({
            name: example.code, summary: example.summary,
            headers: {
              [DeadLetterHeaders.errorCode]: example.code, [DeadLetterHeaders.errorMessage]: '…',
              [DeadLetterHeaders.sourceTopic]: 'readings.raw', [DeadLetterHeaders.sourcePartition]: '0', [DeadLetterHeaders.sourceOffset]: '42',
            },
            payload: printable(example.value),
            'x-kafka-key': example.key,
          })),
        },
        connectDeadLetter: {
          name: 'connectDeadLetter', title: 'Dead letter of a Kafka Connect JDBC sink connector', contentType: 'application/octet-stream',
          description: 'Written by Kafka Connect (the calibrated connector, and both connectors in Connect mode) for a record it cannot convert: '
            + 'the original key and value bytes, unchanged, with Connect\'s __connect.errors.* headers instead of kalibra.error.* (docs/architecture.md#messages).',
          headers: connectDeadLetterHeadersSchema(),
          payload: { description: 'the original record value, any bytes' },
          bindings: kafkaBinding({ description: 'the original record key, unchanged' }),
        },
        replayState: {
          name: 'replayState', title: 'Replay request or applied mark', contentType: 'application/json',
          payload: { oneOf: [{ $ref: '#/components/schemas/replayRequest' }, { $ref: '#/components/schemas/replayApplied' }] },
          bindings: kafkaBinding(stateKey),
        },
      },
    },
  };
}

/** Every file under contract/specs/ with its generated content. */
export function contractSpecFiles(): Record<string, string> {
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'raw-reading.schema.json': json(rawReadingJsonSchema()),
    'raw-reading-connect.schema.json': json(rawReadingConnectJsonSchema()),
    'calibrated-reading.schema.json': json(calibratedReadingJsonSchema()),
    'asyncapi.yaml': `# Generated by dev/contract-specs.ts from the code; do not edit (run: bin/node24 node dev/contract-specs.ts --write).\n${stringify(asyncApiDocument(), { lineWidth: 0 })}`,
  };
}
