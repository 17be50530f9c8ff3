// The end of a branch: picks the topic, encodes key and value with the sink's serdes and
// hands the bytes to the task. Encoding errors are SERIALIZATION_FAILED; a topic extractor
// that throws or answers no topic is PROCESSING_FAILED. It never sends anything itself.
import { CoreError } from '../errors.ts';
import type { OutputRecord } from '../task.ts';
import type { StreamRecord } from '../record.ts';
import type { SinkNode } from './graph.ts';
import { asKalibraError } from './failure.ts';

export function toOutputRecord(node: SinkNode, record: StreamRecord<unknown, unknown>): OutputRecord {
  const topic = resolveTopic(node, record);
  let key: Buffer | null;
  let value: Buffer | null;
  try {
    key = node.keySerde.serialize(record.key, topic);
  } catch (thrown) {
    throw asKalibraError(thrown, 'SERIALIZATION_FAILED', `sink "${node.name}" could not encode the key for ${topic}`);
  }
  try {
    value = node.valueSerde.serialize(record.value, topic);
  } catch (thrown) {
    throw asKalibraError(thrown, 'SERIALIZATION_FAILED', `sink "${node.name}" could not encode the value for ${topic}`);
  }
  if (!Number.isSafeInteger(record.timestamp) || record.timestamp < 0) {
    throw new CoreError('PROCESSING_FAILED', `sink "${node.name}" got a record whose timestamp is not epoch milliseconds: ${String(record.timestamp)}`);
  }
  return { topic, key, value, headers: new Map(record.headers), timestamp: BigInt(record.timestamp) };
}

function resolveTopic(node: SinkNode, record: StreamRecord<unknown, unknown>): string {
  if (typeof node.topic === 'string') return node.topic;
  let topic: unknown;
  try {
    topic = node.topic(record);
  } catch (thrown) {
    throw asKalibraError(thrown, 'PROCESSING_FAILED', `topic extractor of sink "${node.name}" threw`);
  }
  if (typeof topic !== 'string' || topic === '') {
    throw new CoreError('PROCESSING_FAILED', `topic extractor of sink "${node.name}" returned ${JSON.stringify(topic) ?? 'undefined'} instead of a topic name`);
  }
  return topic;
}
