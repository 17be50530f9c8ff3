// The replay-state protocol: records in a small compacted topic that say which replay a
// consumer group was asked to do (the request) and which request each source partition
// has applied (written by the runtime in the SAME transaction as the rewound offset, so
// the two can never disagree). Pure encode/decode; no I/O here.
import { ReplayError } from './errors.ts';

export interface ReplayPartitionTarget {
  partition: number;
  /** First offset to re-read. */
  fromOffset: bigint;
  /** Offset where the replay window ends (exclusive): the end of the log when the request was made, or --to. */
  toOffset: bigint;
  /** End of the log when the request was made: progress is done when the group passes it. */
  endOffset: bigint;
}

export interface ReplayRequest {
  kind: 'request';
  epoch: number;
  group: string;
  topic: string;
  createdAt: string;
  fromMs: number;
  toMs: number | null;
  /** Opaque to topology/core: the application's predicate decides what it selects. */
  selector: unknown;
  partitions: ReplayPartitionTarget[];
}

export interface ReplayApplied {
  kind: 'applied';
  epoch: number;
  group: string;
  topic: string;
  partition: number;
  fromOffset: bigint;
  /** Where the partition stood before the rewind: records at or past it are live, never filtered. */
  resumeAt: bigint;
  toOffset: bigint;
}

export type ReplayStateRecord = ReplayRequest | ReplayApplied;

export function requestKey(group: string, topic: string): string {
  return `request|${group}|${topic}`;
}

export function appliedKey(group: string, topic: string, partition: number): string {
  return `applied|${group}|${topic}|${partition}`;
}

export function encodeState(record: ReplayStateRecord): Buffer {
  return Buffer.from(JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
}

const BIGINT_FIELDS = new Set(['fromOffset', 'toOffset', 'endOffset', 'resumeAt']);

export function decodeState(bytes: Buffer): ReplayStateRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'), (key, value: unknown) =>
      (BIGINT_FIELDS.has(key) && typeof value === 'string' ? BigInt(value) : value));
  } catch (error) {
    throw new ReplayError('STATE_CORRUPT', 'a replay-state record is not valid JSON', { cause: error });
  }
  if (!isStateRecord(parsed)) {
    throw new ReplayError('STATE_CORRUPT', 'a replay-state record has neither kind "request" nor kind "applied"');
  }
  return parsed;
}

function isStateRecord(value: unknown): value is ReplayStateRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.epoch !== 'number' || typeof record.group !== 'string' || typeof record.topic !== 'string') return false;
  if (record.kind === 'request') return Array.isArray(record.partitions);
  if (record.kind === 'applied') return typeof record.partition === 'number' && typeof record.resumeAt === 'bigint';
  return false;
}

/** The latest request and the applied marks of one group on one topic, folded from the state log. */
export interface ReplayState {
  request: ReplayRequest | undefined;
  applied: Map<number, ReplayApplied>;
}

export function emptyReplayState(): ReplayState {
  return { request: undefined, applied: new Map() };
}

/** Folds one state record into `state` if it belongs to `group`/`topic`; later records win. */
export function foldState(state: ReplayState, group: string, topic: string, record: ReplayStateRecord): void {
  if (record.group !== group || record.topic !== topic) return;
  if (record.kind === 'request') {
    if (!state.request || record.epoch >= state.request.epoch) state.request = record;
  } else {
    const current = state.applied.get(record.partition);
    if (!current || record.epoch >= current.epoch) state.applied.set(record.partition, record);
  }
}

/** The replay work a partition still owes: the request, if its epoch has not been applied there. */
export function pendingFor(state: ReplayState, partition: number): ReplayPartitionTarget | undefined {
  const request = state.request;
  if (!request) return undefined;
  const applied = state.applied.get(partition);
  if (applied && applied.epoch >= request.epoch) return undefined;
  return request.partitions.find((target) => target.partition === partition);
}

/** Whether a record at `offset` of `partition` is inside an applied replay window (so the selector applies). */
export function inReplayWindow(state: ReplayState, partition: number, offset: bigint): ReplayApplied | undefined {
  const applied = state.applied.get(partition);
  if (!applied || !state.request || applied.epoch !== state.request.epoch) return undefined;
  return offset >= applied.fromOffset && offset < applied.resumeAt ? applied : undefined;
}
