// The admissions both gates keep: offsets only move forward, admittedAt answers for the first
// admission past an offset and forgets older ones, and waiters wake on a new admission or close.
import { describe, expect, it } from 'vitest';
import { Admissions } from '../../../../connectors/postgres/admissions.ts';

describe('Admissions', () => {
  it('only moves an admitted offset forward, per partition of its own topic', () => {
    const a = new Admissions('raw');
    a.admit(0, 10n);
    a.admit(0, 5n);
    a.admit(1, 3n);
    expect(a.admittedUpTo('raw', 0)).toBe(10n);
    expect(a.admittedUpTo('raw', 1)).toBe(3n);
    expect(a.admittedUpTo('other', 0)).toBeUndefined();
  });

  it('says when an offset was first admitted and forgets the admissions below it', () => {
    const a = new Admissions('raw');
    a.admit(0, 10n);
    a.admit(0, 20n);
    expect(a.admittedAt('raw', 0, 15n)).toBeTypeOf('number');
    expect(a.admittedAt('raw', 0, 25n)).toBeUndefined();
    expect(a.admittedAt('raw', 0, 5n)).toBe(a.admittedAt('raw', 0, 15n)); // the one below 15 is forgotten
  });

  it('wakes a waiter on a new admission, not on a stale one, and every waiter on close', async () => {
    const a = new Admissions('raw');
    a.admit(0, 10n);
    let woke = false;
    const waiting = a.changed(new AbortController().signal).then(() => { woke = true; });
    a.admit(0, 9n);
    await Promise.resolve();
    expect(woke).toBe(false);
    a.admit(0, 11n);
    await waiting;
    expect(woke).toBe(true);
    const second = a.changed(new AbortController().signal);
    a.close();
    await second;
    await a.changed(new AbortController().signal); // resolves at once once closed
  });
});
