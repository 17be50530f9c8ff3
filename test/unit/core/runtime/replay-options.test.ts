import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../../topology/core/errors.ts';
import { resolveOptions } from '../../../../topology/core/runtime/options.ts';
import type { StreamsRuntimeOptions } from '../../../../topology/core/runtime/options.ts';
import type { TaskFactory } from '../../../../topology/core/task.ts';

const factory: TaskFactory = {
  sourceTopics: ['readings.raw'], sinkTopics: ['readings.calibrated'],
  createTask: () => ({ process: () => undefined, punctuate: () => undefined, close: () => undefined }),
};
const valid: StreamsRuntimeOptions = { brokers: ['127.0.0.1:9092'], applicationId: 'calibrator', instanceId: 'pod-0', taskFactory: factory };

function message(options: Record<string, unknown>): string {
  try {
    resolveOptions({ ...valid, ...options });
  } catch (error) {
    if (error instanceof CoreError && error.code === 'CONFIG_INVALID') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('StreamsRuntime option replay', () => {
  it('is optional: without it the runtime ignores replay requests', () => {
    expect(resolveOptions(valid).replay).toBeUndefined();
  });

  it('keeps the state topic and the predicate', () => {
    const selects = (): boolean => true;
    expect(resolveOptions({ ...valid, replay: { stateTopic: 'readings.replay-state', selects } }).replay)
      .toEqual({ stateTopic: 'readings.replay-state', selects });
    expect(resolveOptions({ ...valid, replay: { stateTopic: 'readings.replay-state' } }).replay).toEqual({ stateTopic: 'readings.replay-state' });
  });

  it('names the option that is wrong', () => {
    expect(message({ replay: 'readings.replay-state' })).toMatch(/'replay' must be an object/);
    expect(message({ replay: {} })).toMatch(/'replay.stateTopic'/);
    expect(message({ replay: { stateTopic: 'readings.raw' } })).toMatch(/'replay.stateTopic' must not be one of the source topics/);
    expect(message({ replay: { stateTopic: 's', selects: 'sensor-1' } })).toMatch(/'replay.selects' must be a function/);
  });

  it('needs exactly_once, because the applied mark and the rewound offset are one transaction', () => {
    expect(message({ replay: { stateTopic: 's' }, processingGuarantee: 'at_least_once' })).toMatch(/'replay' needs processingGuarantee exactly_once/);
  });
});
