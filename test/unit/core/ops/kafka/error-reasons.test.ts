import { describe, expect, it } from 'vitest';
import { kafkaErrorReasons } from '../../../../../topology/core/ops/index.ts';

describe('kafkaErrorReasons', () => {
  it('names the innermost errors with the broker error id', () => {
    const refused = Object.assign(new Error('Topic authorization failed.'), { apiId: 'TOPIC_AUTHORIZATION_FAILED' });
    const response = new AggregateError([refused], 'Received response with error');
    const outer = new AggregateError([response, new Error('Connection closed')], 'Describing configs failed.');
    expect(kafkaErrorReasons(outer)).toBe(' (TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.; Connection closed)');
  });

  it('follows causes, and adds nothing when nothing is nested', () => {
    expect(kafkaErrorReasons(new Error('outer', { cause: new Error('inner') }))).toBe(' (inner)');
    expect(kafkaErrorReasons(new Error('alone'))).toBe('');
    expect(kafkaErrorReasons('text')).toBe('');
  });
});
