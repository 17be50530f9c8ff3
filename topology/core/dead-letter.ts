// Builds the dead-letter record for a source record that could not be processed: the
// original key and value bytes, unchanged, with headers that say why and where it came
// from. Shared by the runtime and the TopologyTestDriver so both write the same thing.
import type { KalibraError } from './errors.ts';
import type { OutputRecord, SourceRecord } from './task.ts';

export const DeadLetterHeaders = {
  errorCode: 'kalibra.error.code',
  errorMessage: 'kalibra.error.message',
  sourceTopic: 'kalibra.source.topic',
  sourcePartition: 'kalibra.source.partition',
  sourceOffset: 'kalibra.source.offset',
} as const;

/** Header values are capped so one pathological message cannot make the DLQ record too large. */
const MAX_MESSAGE_BYTES = 4096;

export function deadLetterRecord(dlqTopic: string, source: SourceRecord, error: KalibraError): OutputRecord {
  const headers = new Map<string, Buffer>(source.headers);
  headers.set(DeadLetterHeaders.errorCode, Buffer.from(error.code));
  headers.set(DeadLetterHeaders.errorMessage, Buffer.from(error.message).subarray(0, MAX_MESSAGE_BYTES));
  headers.set(DeadLetterHeaders.sourceTopic, Buffer.from(source.topic));
  headers.set(DeadLetterHeaders.sourcePartition, Buffer.from(String(source.partition)));
  headers.set(DeadLetterHeaders.sourceOffset, Buffer.from(source.offset.toString()));
  return { topic: dlqTopic, key: source.key, value: source.value, headers, timestamp: source.timestamp };
}
