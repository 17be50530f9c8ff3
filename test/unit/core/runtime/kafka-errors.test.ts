import { ProtocolError, ResponseError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { classifyFailure, isKafkaError, transactionError } from '../../../../topology/core/runtime/kafka-errors.ts';

const brokerError = (id: string): Error => new ResponseError(28, 3, { '/': [new ProtocolError(id).apiCode as number, null] }, {});

describe('classifyFailure', () => {
  it.each([
    ['ILLEGAL_GENERATION', 'generation-stale'],
    ['UNKNOWN_MEMBER_ID', 'generation-stale'],
    ['FENCED_INSTANCE_ID', 'generation-stale'],
    ['PRODUCER_FENCED', 'producer-fenced'],
    ['INVALID_PRODUCER_EPOCH', 'producer-fenced'],
    ['MESSAGE_TOO_LARGE', 'records-refused'],
    ['RECORD_LIST_TOO_LARGE', 'records-refused'],
    ['NOT_COORDINATOR', 'transient'],
  ])('reads a nested broker %s as %s', (id, kind) => {
    const error = brokerError(id);
    expect(isKafkaError(error, id)).toBe(true);
    expect(classifyFailure(error)).toBe(kind);
  });

  it('treats errors that are not Kafka errors as transient', () => {
    expect(classifyFailure(new TypeError('boom'))).toBe('transient');
  });

  it('turns refused records into PRODUCTION_FAILED (not retryable) and keeps the Kafka error as cause', () => {
    const cause = brokerError('MESSAGE_TOO_LARGE');
    const error = transactionError('records-refused', cause);
    expect(error.code).toBe('PRODUCTION_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
  });
});
