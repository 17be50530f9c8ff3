// The one place where Kalibra works around @platformatic/kafka behaviour, each with the test
// that proves the problem (test/integration/core/client-workarounds.test.ts). Re-proven on
// 2.12.1: still needed. Remove an entry when that test shows the client has fixed it.

import { addPartitionsToTxnV3, kGetApi } from '@platformatic/kafka';

/**
 * InitProducerId is sent with producerId 0 / epoch 0 instead of -1 / -1 unless the producer
 * options say otherwise. The broker then treats a NEW producer that reuses a transactionalId
 * (a restarted instance) as a stale one and answers PRODUCER_FENCED, so a stable
 * transactionalId could never be reused. Spread these into every transactional Producer's
 * options: -1/-1 asks the broker for the current producer id and a bumped epoch, which
 * fences the predecessor and aborts its open transaction, as KIP-360 intends.
 */
export const freshProducerIdentity = { producerId: -1n, producerEpoch: -1 } as const;

type GetApi = (name: string, callback: (error: Error | null, api?: unknown) => void) => void;

/**
 * AddPartitionsToTxn is sent at the highest version the broker lists (v5 on Kafka 4), but
 * versions 4 and up are the brokers' own batched verification requests: an authorizer demands
 * ClusterAction on the cluster for them, which no client should hold, so every transaction of a
 * producer with only its own ACLs fails with CLUSTER_AUTHORIZATION_FAILED (the Java client sends
 * at most v3 for the same reason). Caps the version at 3 for this producer; v3 takes the same
 * arguments (the first transaction of the list). Proven by test/integration/security/.
 */
export function clientAddPartitionsToTxn<T extends object>(producer: T): T {
  const target = producer as T & Record<typeof kGetApi, GetApi>;
  const original = target[kGetApi].bind(producer);
  target[kGetApi] = (name, callback) => {
    if (name !== 'AddPartitionsToTxn') {
      original(name, callback);
      return;
    }
    original(name, (error, api) => { callback(error, error ? api : addPartitionsToTxnV3.api); });
  };
  return producer;
}
