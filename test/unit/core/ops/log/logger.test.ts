import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../../topology/core/ops/log/logger.ts';
import type { LoggerOptions } from '../../../../../topology/core/ops/log/logger.ts';
import { Secret } from '../../../../../topology/core/ops/config/secret.ts';
import { parseConfig } from '../../../../../topology/core/ops/config/parse-config.ts';
import { kafkaOptions } from '../../../../../topology/core/ops/kafka/kafka-options.ts';
import { databaseOptions } from '../../../../../topology/core/ops/config/database-options.ts';

function capture(options: Omit<LoggerOptions, 'stream'> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ now: () => new Date('2026-11-29T05:00:00.000Z'), ...options, stream: { write: (chunk: string) => { lines.push(chunk); return true; } } });
  const parsed = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time, msg and fields', () => {
    const { logger, lines } = capture();
    logger.info('started', { port: 8080, topics: ['a'] });
    expect(lines).toEqual(['{"level":"info","time":"2026-11-29T05:00:00.000Z","msg":"started","port":8080,"topics":["a"]}\n']);
  });

  it('drops lines below the configured level', () => {
    const { logger, parsed } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(parsed().map((line) => line.level)).toEqual(['warn', 'error']);
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('writes nothing at level silent', () => {
    const { logger, lines } = capture({ level: 'silent' });
    logger.error('e');
    expect(lines).toEqual([]);
  });

  it('adds base and child fields to every line', () => {
    const { logger, parsed } = capture({ base: { instance: 'c-0' } });
    logger.child({ component: 'sink' }).info('batch', { records: 3 });
    expect(parsed()[0]).toMatchObject({ instance: 'c-0', component: 'sink', records: 3 });
  });

  it('keeps level, time and msg from being overwritten by fields', () => {
    const { logger, parsed } = capture();
    logger.warn('real', { level: 'fake', msg: 'fake' });
    expect(parsed()[0]).toMatchObject({ level: 'warn', msg: 'real', 'field.level': 'fake', 'field.msg': 'fake' });
  });

  it('serialises errors with message, code, stack and cause', () => {
    const { logger, parsed } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    logger.error('failed', { error: new Error('could not connect', { cause }) });
    const error = parsed()[0]!.error as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'Error', message: 'could not connect', cause: { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' } });
    expect(error.stack).toMatch(/could not connect/);
  });

  it('logs bigints, circular objects and buffers without throwing', () => {
    const { logger, parsed } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    logger.info('odd', { offset: 12n, loop, bytes: Buffer.from('abc'), nan: Number.NaN });
    expect(parsed()[0]).toMatchObject({ offset: '12', loop: { name: 'loop', self: '[circular]' }, bytes: '[3 bytes]', nan: 'NaN' });
  });

  it('never throws when the stream does', () => {
    const logger = createLogger({ stream: { write: () => { throw new Error('EPIPE'); } } });
    expect(() => logger.error('lost')).not.toThrow();
  });
});

describe('logger redaction', () => {
  it('redacts fields whose names say they hold a secret', () => {
    const { logger, lines } = capture();
    logger.info('connect', { password: 'hunter2', kafkaSaslPassword: 'hunter3', nested: { apiKey: 'k-123', token: 't-1' }, user: 'kalibra' });
    expect(lines[0]).not.toMatch(/hunter2|hunter3|k-123|t-1/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ password: '[redacted]', nested: { apiKey: '[redacted]', token: '[redacted]' }, user: 'kalibra' });
  });

  it('redacts Secret values wherever they are', () => {
    const { logger, lines } = capture();
    logger.info('config', { config: { databaseUrl: new Secret('postgres://u:pw@h/db') } });
    expect(JSON.parse(lines[0]!)).toMatchObject({ config: { databaseUrl: '[redacted]' } });
  });

  it('cuts every secret parsed from the config out of messages, fields and error text', () => {
    const parsed = parseConfig({ ...kafkaOptions, ...databaseOptions }, {
      env: { KAFKA_SASL_PASSWORD: 'correct-horse', DATABASE_URL: 'postgres://kalibra:battery-staple@db:5432/kalibra' }, argv: [],
    });
    if (parsed.help) throw new Error('unexpected help');
    const { logger, lines } = capture({ secrets: parsed.secrets });
    logger.error('auth failed for correct-horse', {
      detail: 'server said correct-horse is wrong',
      error: new Error('connect to postgres://kalibra:battery-staple@db:5432/kalibra failed'),
    });
    expect(lines[0]).not.toMatch(/correct-horse|battery-staple/);
    expect(lines[0]).toContain('auth failed for [redacted]');
  });

  it('redacts secrets added after creation, in child loggers too', () => {
    const { logger, lines } = capture();
    const child = logger.child({ component: 'x' });
    logger.addSecrets(['rotated-pw']);
    child.info('value rotated-pw');
    expect(lines[0]).not.toContain('rotated-pw');
  });

  it('redacts the password of any URL even when it is not a known secret', () => {
    const { logger, lines } = capture();
    logger.info('connecting', { url: 'postgres://kalibra:s3cr3t@db/kalibra', plain: 'http://example.com/a:b@c' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ url: 'postgres://kalibra:[redacted]@db/kalibra', plain: 'http://example.com/a:b@c' });
    expect(lines[0]).not.toContain('s3cr3t');
  });
});

describe('a logger whose stream has failed', () => {
  it('stops writing after the stream reports an error (a closed stderr), instead of failing again on every line', async () => {
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    const writes: string[] = [];
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string) => { writes.push(chunk); return original(chunk); }) as typeof stream.write;
    const logger = createLogger({ stream });
    logger.info('before');
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    logger.error('after');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('"msg":"before"');
  });
});
