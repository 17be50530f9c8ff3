// Drops the records of aborted transactions from a read_committed fetch response, the way
// Kafka's Java consumer does. @platformatic/kafka (1.35 and 2.12 alike) keys aborted ranges by
// producer id and keeps only the last one, so a producer's earlier aborted transactions in the
// same response leak through; this runs after its filter and must never drop a committed record.
import type { Consumer } from '@platformatic/kafka';

/** The fetch response the consumer's stream reads (the client does not export the type by name). */
export type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;
const ABORT_MARKER = 0;

/**
 * Empties (never removes) every transactional batch that belongs to an aborted transaction, so
 * the consumer still advances its position past it. Mutates and returns `response`.
 */
export function dropAbortedRecords(response: FetchResponse): FetchResponse {
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      if (!partition.records || !partition.abortedTransactions?.length) continue;
      const pending = [...partition.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
      const aborting = new Set<bigint>();
      for (const batch of partition.records) {
        const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
        // A transaction becomes "aborting" for its producer from its first offset on.
        while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) aborting.add(pending.shift()!.producerId);
        if ((batch.attributes & IS_TRANSACTIONAL) === 0 || !aborting.has(batch.producerId)) continue;
        if ((batch.attributes & IS_CONTROL) !== 0) {
          // The producer's abort marker closes its aborted range; commit markers cannot occur inside it.
          if (batch.records[0]?.key?.readInt16BE(2) === ABORT_MARKER) aborting.delete(batch.producerId);
          continue;
        }
        batch.records = [];
      }
    }
  }
  return response;
}
