// Sends the demo fleet's readings to the raw topic: first, when asked, a back-fill of
// history as fast as the broker takes it, then live readings in real time, each sent when its
// ts comes (readings due while a send is in flight go together in the next one). Keys and
// partitioning follow docs/architecture.md#topics (key `<sensor>|<ts>`, Java murmur2 of the sensor),
// and each record's timestamp is the reading's ts, so replay can find it by time.
import { Producer, type BaseOptions } from '@platformatic/kafka';
import { javaCompatiblePartitioner } from '../../topology/index.ts';
import { sensorPart } from '../../contract/reading-key.ts';
import { generate, type GenerateOptions, type SimulatedRecord } from './readings.ts';
import { rawValueIn, type RawFormat } from '../../calibration/raw-reading-envelope.ts';

export interface SimulatorOptions extends GenerateOptions {
  connection: BaseOptions;
  topic: string;
  /** json (default) or connect-json: each reading in a Connect JSON envelope (Connect mode). */
  rawFormat?: RawFormat;
  /** Back-fill from here (epoch ms) to now before going live; undefined starts live. */
  startMs?: number;
  /** Stop after this much wall-clock time of live sending; undefined runs until aborted. */
  durationMs?: number;
  /** Stop once this many records were sent (back-fill included); undefined for no limit. */
  maxRecords?: number;
  signal?: AbortSignal;
  now?: () => number;
  onBatch?: (stats: SimulatorStats) => void;
  /** Called for every record sent, e.g. to keep the true values for a check. */
  onRecord?: (record: SimulatedRecord) => void;
}

export interface SimulatorStats {
  readings: number;
  duplicates: number;
  malformed: number;
  /** A back-fill was asked for (startMs) and ran to now; false when none was asked or it was cut short. */
  backfilled: boolean;
  lastTsMs: number | undefined;
}

const BATCH = 2_000;

export async function runSimulator(options: SimulatorOptions): Promise<SimulatorStats> {
  const now = options.now ?? Date.now;
  const format = options.rawFormat ?? 'json';
  const stats: SimulatorStats = { readings: 0, duplicates: 0, malformed: 0, backfilled: false, lastTsMs: undefined };
  const producer = new Producer({
    ...options.connection,
    idempotent: true,
    partitioner: javaCompatiblePartitioner(sensorPart),
  });
  const limitReached = (): boolean => options.maxRecords !== undefined && stats.readings + stats.duplicates + stats.malformed >= options.maxRecords;

  const send = async (records: SimulatedRecord[]): Promise<void> => {
    if (records.length === 0) return;
    await producer.send({
      messages: records.map((r) => ({ topic: options.topic, key: Buffer.from(r.key), value: rawValueIn(format, r.value), timestamp: BigInt(r.tsMs) })),
    });
    for (const r of records) {
      if (r.kind === 'reading') stats.readings++;
      else if (r.kind === 'duplicate') stats.duplicates++;
      else stats.malformed++;
      stats.lastTsMs = r.tsMs;
      options.onRecord?.(r);
    }
    options.onBatch?.(stats);
  };

  const sendRange = async (fromMs: number, toMs: number): Promise<void> => {
    let batch: SimulatedRecord[] = [];
    for (const record of generate(options, fromMs, toMs)) {
      if (options.signal?.aborted || limitReached()) break;
      batch.push(record);
      if (options.maxRecords !== undefined && stats.readings + stats.duplicates + stats.malformed + batch.length >= options.maxRecords) break;
      if (batch.length >= BATCH) { await send(batch); batch = []; }
    }
    await send(batch);
  };

  // Live: each reading is sent when its ts comes, so its ts is when it was produced (the
  // pipeline's latency starts there). Readings that come due while a send is in flight go in
  // the next send, at once when it returns (natural batching, no tick).
  const sendLive = async (fromMs: number, untilMs: number): Promise<void> => {
    let due: SimulatedRecord[] = [];
    const pending = (): number => stats.readings + stats.duplicates + stats.malformed + due.length;
    for (const record of generate(options, fromMs, untilMs)) {
      while (!options.signal?.aborted && record.tsMs > now()) {
        if (due.length > 0) {
          await send(due);
          due = [];
        } else {
          await sleep(record.tsMs - now(), options.signal);
        }
      }
      if (options.signal?.aborted || (options.maxRecords !== undefined && pending() >= options.maxRecords)) break;
      due.push(record);
      if (options.maxRecords !== undefined && pending() >= options.maxRecords) break;
      if (due.length >= BATCH) {
        await send(due);
        due = [];
      }
    }
    await send(due);
  };

  try {
    const cursor = now();
    if (options.startMs !== undefined) {
      await sendRange(options.startMs, cursor);
      stats.backfilled = !options.signal?.aborted && !limitReached();
    }
    const liveUntil = options.durationMs === undefined ? Infinity : now() + options.durationMs;
    await sendLive(cursor, liveUntil);
    return stats;
  } finally {
    await producer.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = (): void => { clearTimeout(timer); resolve(); };
    // The listener is removed when the timer fires, so a long live run does not pile them up.
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
