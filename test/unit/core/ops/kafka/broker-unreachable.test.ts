import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { brokerUnreachableMessage, checkBrokerReachable, isBrokerUnreachable } from '../../../../../topology/core/ops/kafka/broker-unreachable.ts';

/** The shape @platformatic/kafka gives for "connection refused": nested MultipleErrors → NetworkError → ECONNREFUSED. */
function refused(address: string): Error {
  const errno = Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
  const network = Object.assign(new Error(`Connection to ${address} failed.`), { code: 'PLT_KFK_NETWORK', cause: errno });
  const pool = Object.assign(new AggregateError([network], 'Cannot connect to any broker.'), { code: 'PLT_KFK_MULTIPLE' });
  return Object.assign(new AggregateError([pool], 'metadata failed 4 times.'), { code: 'PLT_KFK_MULTIPLE' });
}

describe('isBrokerUnreachable', () => {
  it('is true for a refused, reset or timed-out connection, however deeply nested, also as a cause', () => {
    expect(isBrokerUnreachable(refused('127.0.0.1:1'))).toBe(true);
    expect(isBrokerUnreachable(new Error('wrapped', { cause: refused('127.0.0.1:1') }))).toBe(true);
    expect(isBrokerUnreachable(Object.assign(new Error('Connection closed'), { code: 'PLT_KFK_NETWORK' }))).toBe(true);
  });

  it('is false when a broker answered with an error of its own, or for anything else', () => {
    const answered = Object.assign(new AggregateError([Object.assign(new Error('unknown topic'), { apiId: 'UNKNOWN_TOPIC_OR_PARTITION' })], 'metadata failed'),
      { code: 'PLT_KFK_MULTIPLE' });
    expect(isBrokerUnreachable(answered)).toBe(false);
    expect(isBrokerUnreachable(new Error('boom'))).toBe(false);
    expect(isBrokerUnreachable(undefined)).toBe(false);
  });
});

describe('brokerUnreachableMessage', () => {
  it('names the address, the innermost reason and bin/dev-stack up', () => {
    expect(brokerUnreachableMessage(['127.0.0.1:1'], refused('127.0.0.1:1'))).toBe(
      'cannot reach a Kafka broker at 127.0.0.1:1 (KAFKA_BROKERS / --kafka-brokers): connect ECONNREFUSED 127.0.0.1:1; bin/dev-stack up starts the local one');
  });
});

describe('checkBrokerReachable', () => {
  it('rejects with BROKER_UNREACHABLE for a broker that accepts but never answers, within its timeout', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const started = Date.now();
      await expect(checkBrokerReachable({ bootstrapBrokers: [address], clientId: 'test' }, { timeoutMs: 300 }))
        .rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', message: expect.stringContaining(address) as unknown });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      server.close();
    }
  });

  it('stops waiting at once when its signal aborts', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(checkBrokerReachable({ bootstrapBrokers: [address], clientId: 'test' }, { signal: controller.signal, timeoutMs: 10_000 }))
        .rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    } finally {
      server.close();
    }
  });
});
