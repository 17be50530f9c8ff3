// The one place where Kalibra works around @platformatic/kafka behaviour, each with the test
// that proves the problem (test/integration/core/client-workarounds.test.ts). Re-proven on
// 2.12.1: still needed. Remove an entry when that test shows the client has fixed it.

/**
 * InitProducerId is sent with producerId 0 / epoch 0 instead of -1 / -1 unless the producer
 * options say otherwise. The broker then treats a NEW producer that reuses a transactionalId
 * (a restarted instance) as a stale one and answers PRODUCER_FENCED, so a stable
 * transactionalId could never be reused. Spread these into every transactional Producer's
 * options: -1/-1 asks the broker for the current producer id and a bumped epoch, which
 * fences the predecessor and aborts its open transaction, as KIP-360 intends.
 */
export const freshProducerIdentity = { producerId: -1n, producerEpoch: -1 } as const;
