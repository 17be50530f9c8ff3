import { describe, expect, it } from 'vitest';
import { InsertFastPath } from '../../../../connectors/postgres/insert-fast-path.ts';

describe('when the sink tries the insert fast path', () => {
  it('tries it for every batch while keys are new', () => {
    const path = new InsertFastPath();
    for (let i = 0; i < 10; i++) {
      expect(path.next()).toBe(true);
      path.record('inserted');
    }
  });

  it('skips 1, 2, 4 … 64 batches after each batch in a row whose keys existed, and starts over after one that inserts', () => {
    const path = new InsertFastPath();
    const skipped: number[] = [];
    expect(path.next()).toBe(true);
    for (let conflicts = 0; conflicts < 8; conflicts++) {
      path.record('upserted-after-insert'); // the try found existing keys
      let skips = 0;
      while (!path.next()) skips++; // ends on the next try
      skipped.push(skips);
    }
    expect(skipped).toEqual([1, 2, 4, 8, 16, 32, 64, 64]);
    const fresh = new InsertFastPath();
    fresh.record('upserted-after-insert');
    expect(fresh.next()).toBe(false);
    expect(fresh.next()).toBe(true);
    fresh.record('inserted');
    fresh.record('upserted-after-insert');
    expect(fresh.next()).toBe(false);
    expect(fresh.next()).toBe(true);
  });
});
