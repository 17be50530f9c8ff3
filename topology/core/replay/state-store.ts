// Reads and writes the replay-state topic. Reading folds the whole (small, compacted) log
// up to its current end, read_committed, with a throwaway consumer group: the state must be
// seen by every reader in full, so no group may share its partitions.
import { randomBytes } from 'node:crypto';
import { Consumer, FetchIsolationLevels, Producer, type BaseOptions } from '@platformatic/kafka';
import { clientAddPartitionsToTxn, freshProducerIdentity } from '../client-workarounds.ts';
import { ReplayError } from './errors.ts';
import {
  appliedKey, decodeState, emptyReplayState, encodeState, foldState, requestKey,
  type ReplayApplied, type ReplayRequest, type ReplayState,
} from './state.ts';

export type KafkaConnection = Omit<BaseOptions, 'clientId'> & { clientId?: string };

export interface StateLocation {
  connection: KafkaConnection;
  stateTopic: string;
  group: string;
  topic: string;
}

/** Folds the replay-state log of `group` on `topic` up to the log's end at call time. */
export async function readReplayState(location: StateLocation, timeoutMs = 30_000): Promise<ReplayState> {
  const { connection, stateTopic, group, topic } = location;
  const suffix = randomBytes(4).toString('hex');
  const consumer = new Consumer({
    ...connection,
    clientId: `${connection.clientId ?? 'kalibra'}-replay-state-${suffix}`,
    groupId: `kalibra-replay-state-reader-${suffix}`,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    maxWaitTime: 100,
  });
  const state = emptyReplayState();
  try {
    // The high watermark, not the last stable offset: a transaction whose commit has just
    // returned may not have its marker on this partition yet (markers reach partitions one by
    // one), and a reader that stopped at the old LSO would miss it, e.g. compute an epoch
    // that is already taken. Reading read_committed up to the high watermark waits for every
    // transaction written before the call to be decided.
    const ends = await consumer.listOffsets({ topics: [stateTopic], isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED })
      .catch((error: unknown) => {
        throw new ReplayError('UNKNOWN_TOPIC', `replay-state topic "${stateTopic}" is missing (run bin/topics apply)`, { cause: error });
      });
    const endByPartition = ends.get(stateTopic) ?? [];
    const remaining = new Set(endByPartition.map((end, partition) => (end > 0n ? partition : -1)).filter((p) => p >= 0));
    if (remaining.size === 0) return state;

    const stream = await consumer.consume({ topics: [stateTopic], mode: 'earliest', autocommit: false });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new ReplayError('KAFKA_FAILED', `reading ${stateTopic} did not reach its end within ${timeoutMs} ms`, { retryable: true }));
        }, timeoutMs);
        stream.on('data', (message) => {
          try {
            if (message.value && message.value.length > 0) foldState(state, group, topic, decodeState(message.value));
          } catch (error) {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new ReplayError('STATE_CORRUPT', String(error)));
          }
        });
        // The end offset counts transaction markers, which are never delivered as messages:
        // completion is judged by the stream's next fetch offset, which does move past them.
        // Judged when the next fetch returns, before its records are pushed: the client sets
        // the next fetch offset of a response before it delivers that response's records.
        const checkDone = (): void => {
          for (const partition of remaining) {
            const next = stream.offsetsToFetch.get(`${stateTopic}:${partition}`) ?? 0n;
            if (next >= (endByPartition[partition] ?? 0n)) remaining.delete(partition);
          }
          if (remaining.size === 0) { clearTimeout(timer); resolve(); }
        };
        stream.on('fetch', checkDone);
        stream.on('error', (error: Error) => { clearTimeout(timer); reject(new ReplayError('KAFKA_FAILED', error.message, { cause: error })); });
      });
    } finally {
      await stream.close();
    }
    return state;
  } finally {
    await consumer.close();
  }
}

/**
 * Publishes a replay request (and, for the offline path, the applied marks) in one
 * transaction, so a reader sees all of it or none of it.
 */
export async function publishReplayState(location: StateLocation, request: ReplayRequest, applied: ReplayApplied[] = []): Promise<void> {
  const { connection, stateTopic, group, topic } = location;
  const producer = clientAddPartitionsToTxn(new Producer({
    ...connection,
    clientId: `${connection.clientId ?? 'kalibra'}-replay`,
    ...freshProducerIdentity,
    idempotent: true,
    // One replay tool per group at a time: a second one fences the first.
    transactionalId: `kalibra-replay-${group}`,
  }));
  try {
    const tx = await producer.beginTransaction();
    try {
      await tx.send({
        messages: [
          { topic: stateTopic, key: Buffer.from(requestKey(group, topic)), value: encodeState(request) },
          ...applied.map((mark) => ({ topic: stateTopic, key: Buffer.from(appliedKey(group, topic, mark.partition)), value: encodeState(mark) })),
        ],
      });
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw new ReplayError('KAFKA_FAILED', `could not publish the replay request to ${stateTopic}`, { cause: error, retryable: true });
    }
  } finally {
    await producer.close();
  }
}
