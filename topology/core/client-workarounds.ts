// The one place where Kalibra works around @platformatic/kafka behaviour, each with the test
// that proves the problem (test/integration/core/client-workarounds.test.ts). Re-proven on
// 2.12.1: still needed. Remove an entry when that test shows the client has fixed it.

import { addPartitionsToTxnV3, kGetApi, Reader } from '@platformatic/kafka';

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

type FetchParser = (correlationId: number, apiKey: number, apiVersion: number, reader: Reader) => unknown;
interface ApiConnection {
  send(apiKey: number, apiVersion: number, createRequest: unknown, parser: FetchParser, requestTagged: boolean, responseTagged: boolean, callback: unknown): void;
}
type ClientApi = ((connection: ApiConnection, ...args: unknown[]) => void) & { key: number; version: number; async: unknown };

/** One contiguous buffer for a response that arrived in several socket chunks. */
export function contiguousResponse(reader: Reader): Reader {
  return reader.buffer.buffers.length > 1 ? Reader.from(reader.buffer.buffer) : reader;
}

const flattened = new WeakMap<ClientApi, ClientApi>();

function flattenedFetch(api: ClientApi): ClientApi {
  let wrapped = flattened.get(api);
  if (wrapped !== undefined) return wrapped;
  const call = (connection: ApiConnection, ...args: unknown[]): void => {
    api({
      send: (apiKey, apiVersion, createRequest, parser, requestTagged, responseTagged, callback) => {
        connection.send(apiKey, apiVersion, createRequest, (correlationId, key, version, reader) => parser(correlationId, key, version, contiguousResponse(reader)),
          requestTagged, responseTagged, callback);
      },
    }, ...args);
  };
  wrapped = Object.assign(call, { key: api.key, version: api.version, async: api.async });
  flattened.set(api, wrapped);
  return wrapped;
}

/**
 * A Fetch response is parsed straight from the socket's chunks (a DynamicBuffer of ~64 KiB
 * pieces), and every read of it (each varint of each record) first walks the chunk list from
 * the start to find its offset: decoding a 1 MiB response costs O(records × chunks). Under a
 * backlog that was the biggest single cost of the runtime (readVarInt, readInt8 and slice: a
 * quarter of its CPU profile; topology/core/runtime/README.md, "Where the time goes"). Joins the
 * chunks into one buffer before the client parses a Fetch response, once per response (O(size)),
 * so every read finds its offset at once. Nothing else changes: the same parser, the same records.
 * Proven by test/unit/core/client-workarounds.test.ts (reads by chunk count) and
 * test/integration/core/client-workarounds.test.ts (the same records from the broker).
 */
export function contiguousFetchResponses<T extends object>(consumer: T): T {
  const target = consumer as T & Record<typeof kGetApi, GetApi>;
  const original = target[kGetApi].bind(consumer);
  target[kGetApi] = (name, callback) => {
    if (name !== 'Fetch') {
      original(name, callback);
      return;
    }
    original(name, (error, api) => { callback(error, error || api === undefined ? api : flattenedFetch(api as ClientApi)); });
  };
  return consumer;
}
