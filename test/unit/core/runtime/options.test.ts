import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../../topology/core/errors.ts';
import { clientConnection, resolveOptions } from '../../../../topology/core/runtime/options.ts';
import type { StreamsRuntimeOptions } from '../../../../topology/core/runtime/options.ts';
import type { TaskFactory } from '../../../../topology/core/task.ts';

const factory: TaskFactory = {
  sourceTopics: ['readings.raw'], sinkTopics: ['readings.calibrated'],
  createTask: () => ({ process: () => undefined, punctuate: () => undefined, close: () => undefined }),
};
const valid: StreamsRuntimeOptions = { brokers: ['127.0.0.1:9092'], applicationId: 'calibrator', instanceId: 'pod-0', taskFactory: factory };

function rejection(options: Partial<Record<keyof StreamsRuntimeOptions, unknown>>): CoreError {
  try {
    resolveOptions({ ...valid, ...options } as StreamsRuntimeOptions);
  } catch (error) {
    if (error instanceof CoreError) return error;
    throw error;
  }
  throw new CoreError('STATE_INVALID', 'expected the options to be rejected');
}

describe('StreamsRuntime options', () => {
  it('defaults to exactly_once, a 100 ms commit interval and a stable transactional id of applicationId-instanceId', () => {
    const resolved = resolveOptions(valid);
    expect(resolved.processingGuarantee).toBe('exactly_once');
    expect(resolved.commitIntervalMs).toBe(100);
    expect(resolved.transactionalId).toBe('calibrator-pod-0');
    expect(resolved.transactionTimeoutMs).toBe(10_000);
    expect(resolved.shutdownTimeoutMs).toBe(10_000);
    expect(resolved.handleSignals).toBe(false);
    expect(resolved.fetchMaxBytes).toBe(2 ** 20);
  });

  it.each([
    ['brokers', []],
    ['brokers', ['no-port']],
    ['applicationId', ''],
    ['applicationId', 'has space'],
    ['instanceId', undefined],
    ['processingGuarantee', 'exactly_twice'],
    ['commitIntervalMs', 0],
    ['commitIntervalMs', 1.5],
    ['commitMaxRecords', -1],
    ['fetchMaxBytes', 1_000],
    ['fetchMaxBytes', 2 ** 30],
    ['dlqTopic', 'readings.raw'],
    ['onError', 'dead-letter'],
    ['gate', {}],
    ['sessionTimeoutMs', 1_000],
    ['transactionTimeoutMs', 10],
    ['taskFactory', { sourceTopics: [], sinkTopics: [], createTask: () => undefined }],
    ['taskFactory', {}],
  ])('rejects %s = %j with CONFIG_INVALID naming the option', (option, value) => {
    const error = rejection({ [option]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`'${option}'`);
  });

  it('dead-letters by default, as the TopologyTestDriver does', () => {
    const record = { topic: 't', partition: 0, offset: 0n, timestamp: 0n, key: null, value: null, headers: new Map<string, Buffer>() };
    expect(resolveOptions(valid).onError(record, new CoreError('VALIDATION_FAILED', 'bad'))).toBe('dead-letter');
  });

  it('passes only the connection settings that are set, so client defaults survive', () => {
    expect(clientConnection({ clientId: 'x', connectTimeout: undefined, tls: undefined })).toEqual({});
    expect(clientConnection({ connectTimeout: 3_000 })).toEqual({ connectTimeout: 3_000 });
  });
});
