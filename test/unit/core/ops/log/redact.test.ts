import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../../../topology/core/ops/log/redact.ts';
import { Secret } from '../../../../../topology/core/ops/config/secret.ts';

describe('Redactor', () => {
  it('redacts the longer of two overlapping secrets completely', () => {
    const redactor = new Redactor(['pass', 'passphrase-long']);
    expect(redactor.redactString('x passphrase-long y')).toBe('x [redacted] y');
  });

  it('ignores empty secrets instead of redacting everything', () => {
    expect(new Redactor(['']).redactString('hello')).toBe('hello');
  });

  it('redacts inside arrays, maps and nested errors, and keeps non-secret keys', () => {
    const redactor = new Redactor(['s3']);
    const out = redactor.redact({
      list: ['a s3 b'], map: new Map([['k', 's3']]), error: new Error('outer', { cause: new Error('inner s3') }), secret: new Secret('x'), count: 2,
    });
    expect(out).toMatchObject({ list: ['a [redacted] b'], map: { k: '[redacted]' }, error: { cause: { message: 'inner [redacted]' } }, secret: '[redacted]', count: 2 });
  });

  it('redacts a value under a secret-sounding key even when it is not a string', () => {
    expect(new Redactor().redact({ sasl: { mechanism: 'PLAIN', password: 'x' }, authorization: ['Bearer t'] }))
      .toEqual({ sasl: '[redacted]', authorization: '[redacted]' });
  });

  it('stops at a depth limit instead of overflowing', () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(JSON.stringify(new Redactor().redact(deep))).toContain('[too deep]');
  });
});
