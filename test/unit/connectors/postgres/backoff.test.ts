import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from '../../../../connectors/postgres/backoff.ts';

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, jittered within the upper half', () => {
    const top = (): number => 1;
    const bottom = (): number => 0;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { initialMs: 100, maxMs: 5_000 }, top))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(20, { initialMs: 100, maxMs: 5_000 }, top)).toBe(5_000);
    expect(backoffDelay(20, { initialMs: 100, maxMs: 5_000 }, bottom)).toBe(2_500);
  });

  it('ends a sleep at once when its signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });
});
