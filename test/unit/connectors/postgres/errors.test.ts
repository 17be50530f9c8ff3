import { describe, expect, it } from 'vitest';
import { classifyDatabaseError, sqlState } from '../../../../connectors/postgres/errors.ts';

function pgError(code: string, message = 'from Postgres'): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyDatabaseError', () => {
  it.each([
    ['22P02', 'data'], // invalid text representation (jsonb with "\ud800")
    ['22021', 'data'], // invalid byte sequence (U+0000 in text)
    ['22003', 'data'], // numeric value out of range
    ['23514', 'data'], // check constraint
    ['23505', 'data'], // unique violation
    ['54000', 'data'], // index row size exceeds the maximum
    ['08006', 'transient'],
    ['40001', 'transient'],
    ['40P01', 'transient'],
    ['53300', 'transient'],
    ['57P01', 'transient'],
    ['57014', 'transient'],
    ['58030', 'transient'],
    ['55P03', 'transient'],
    ['42703', 'fatal'], // undefined column: our SQL or the schema is wrong
    ['42P01', 'fatal'],
    ['54001', 'fatal'], // statement too complex: not about one row
    ['XX000', 'fatal'],
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(classifyDatabaseError(pgError(code))).toBe(kind);
  });

  it('treats socket errors and lost connections as transient, anything else as fatal', () => {
    expect(classifyDatabaseError(pgError('ECONNREFUSED'))).toBe('transient');
    expect(classifyDatabaseError(pgError('EPIPE'))).toBe('transient');
    expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).toBe('transient');
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBe('fatal');
    expect(classifyDatabaseError('not an error')).toBe('fatal');
  });

  it('reads the SQLSTATE only from a five-character code', () => {
    expect(sqlState(pgError('23514'))).toBe('23514');
    expect(sqlState(pgError('ECONNRESET'))).toBeUndefined();
    expect(sqlState(undefined)).toBeUndefined();
  });
});
