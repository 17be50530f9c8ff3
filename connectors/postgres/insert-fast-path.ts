// When the sink tries the insert fast path (commit-batch.ts: a plain COPY into the table, which
// fails as soon as one key exists). New keys are the common case (live readings); existing
// keys come in runs (a replay, a recalibration), where every failed COPY is wasted work. So
// after a batch whose keys were not all new the fast path is skipped for a number of batches
// that doubles with each such batch in a row (up to MAX_SKIP), and reset by one that inserts.
import type { CommittedBatch } from './commit-batch.ts';

const MAX_SKIP = 64;

export class InsertFastPath {
  #skip = 0;
  #penalty = 0;

  /** Whether the next batch should try the fast path. */
  next(): boolean {
    if (this.#skip === 0) return true;
    this.#skip--;
    return false;
  }

  /** How the last batch's rows went in. */
  record(written: CommittedBatch['written']): void {
    if (written === 'inserted') {
      this.#penalty = 0;
    } else if (written === 'upserted-after-insert') {
      this.#penalty = Math.min(MAX_SKIP, Math.max(1, this.#penalty * 2));
      this.#skip = this.#penalty;
    }
  }
}
