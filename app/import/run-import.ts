// bin/import's engine: reads a source's rows, judges each by the live rules (row-reading.ts),
// produces the good ones to the raw topic in batches (idempotent producer, Java-compatible
// partitioning on the sensor part of the key, record timestamp = reading time) and writes the
// bad ones to the rejects file. After each acknowledged batch the rejects are synced and the
// progress file records the position after the batch, so a resumed import starts there: at
// worst a batch is sent twice, which changes nothing downstream (the keys are the readings).
// Nothing is dropped silently: read = produced + rejected, by code.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { ProduceAcks, Producer, type BaseOptions } from '@platformatic/kafka';
import { javaCompatiblePartitioner } from '../../topology/index.ts';
import { sensorPart } from '../../contract/reading-key.ts';
import { rowToRecord, type ImportRecord, type RowReader } from './row-reading.ts';
import type { ImportSource, Position, SourceRow } from './sources.ts';

export interface ImportOptions {
  source: ImportSource;
  reader: RowReader;
  /** Kafka connection; undefined for a dry run. */
  connection: BaseOptions | undefined;
  topic: string;
  rejectsPath: string;
  /** Everything that must be equal for --resume to continue this import (source, mapping, zone, topic). */
  identity: Record<string, string>;
  resume: boolean;
  batchSize: number;
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportCounts {
  read: number;
  produced: number;
  rejected: number;
  byCode: Record<string, number>;
}

export interface ImportProgress extends ImportCounts {
  /** Done and total in the source's unit (rows or bytes), for a percentage and an ETA. */
  done: number;
  total: number | undefined;
  startedAt: number;
  /** Rows read in this run (not counting earlier runs of a resumed import). */
  readThisRun: number;
}

export interface ImportSummary extends ImportCounts {
  complete: boolean;
  dryRun: boolean;
  /** Rows an earlier run had already imported and this one skipped (--resume). */
  resumedFrom: number;
  durationMs: number;
  rowsPerSecond: number;
  rejectsFile: string;
}

interface ProgressFile extends ImportCounts {
  identity: Record<string, string>;
  position: Position;
  rejectsBytes: number;
  complete: boolean;
}

/** JSON has no NaN or Infinity: a rejected row keeps them as their names rather than as null. */
const keepNonFinite = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);

export const progressPath = (rejectsPath: string): string => `${rejectsPath}.progress.json`;

export class ImportResumeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportResumeError';
  }
}

function readProgress(path: string, identity: Record<string, string>): ProgressFile {
  if (!existsSync(path)) throw new ImportResumeError(`--resume: no progress file ${path}; start the import without --resume`);
  const progress = JSON.parse(readFileSync(path, 'utf8')) as ProgressFile;
  if (JSON.stringify(progress.identity) !== JSON.stringify(identity)) {
    throw new ImportResumeError(`--resume: ${path} belongs to another import (${JSON.stringify(progress.identity)}); give the same source and options, or start without --resume`);
  }
  return progress;
}

function writeAtomically(path: string, content: string): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const dryRun = options.connection === undefined;
  const progressFile = progressPath(options.rejectsPath);
  const previous = options.resume ? readProgress(progressFile, options.identity) : undefined;
  const counts: ImportCounts = previous === undefined
    ? { read: 0, produced: 0, rejected: 0, byCode: {} }
    : { read: previous.read, produced: previous.produced, rejected: previous.rejected, byCode: { ...previous.byCode } };
  let position: Position = previous?.position ?? { rows: 0 };
  let rejectsBytes = previous?.rejectsBytes ?? 0;
  // Rejects written after the last durable position belong to rows that will be read again.
  if (previous !== undefined && existsSync(options.rejectsPath)) truncateSync(options.rejectsPath, rejectsBytes);
  else writeFileSync(options.rejectsPath, '');
  const rejects = openSync(options.rejectsPath, 'a');

  const producer = dryRun ? undefined : new Producer({
    ...options.connection!, idempotent: true, acks: ProduceAcks.ALL, partitioner: javaCompatiblePartitioner(sensorPart),
  });
  const startedAt = Date.now();
  const total = await options.source.total();
  const resumedFrom = counts.read;
  const report = (): void => options.onProgress?.({
    ...counts, done: options.source.done(position), total, startedAt, readThisRun: counts.read - resumedFrom,
  });

  /** Makes a batch durable: sent and acknowledged, its rejects synced, then the position moved past it. */
  const commit = async (records: ImportRecord[], rejectLines: string[], batchCounts: ImportCounts, end: Position): Promise<void> => {
    if (producer !== undefined && records.length > 0) {
      await producer.send({ messages: records.map((r) => ({ topic: options.topic, key: r.key, value: r.value, timestamp: r.timestamp })) });
    }
    if (rejectLines.length > 0) {
      rejectsBytes += writeSync(rejects, rejectLines.join(''));
      fsyncSync(rejects);
    }
    counts.read += batchCounts.read;
    counts.produced += batchCounts.produced;
    counts.rejected += batchCounts.rejected;
    for (const [code, n] of Object.entries(batchCounts.byCode)) counts.byCode[code] = (counts.byCode[code] ?? 0) + n;
    position = end;
    if (!dryRun) writeAtomically(progressFile, JSON.stringify({ identity: options.identity, position, rejectsBytes, complete: false, ...counts } satisfies ProgressFile));
    report();
  };

  let complete: boolean;
  try {
    // One batch in flight while the next is read: reading and producing overlap.
    let inFlight: Promise<void> = Promise.resolve();
    let records: ImportRecord[] = [];
    let rejectLines: string[] = [];
    let batch: ImportCounts = { read: 0, produced: 0, rejected: 0, byCode: {} };
    let end: Position = position;
    const flush = async (): Promise<void> => {
      const [r, l, c, e] = [records, rejectLines, batch, end];
      records = [];
      rejectLines = [];
      batch = { read: 0, produced: 0, rejected: 0, byCode: {} };
      await inFlight;
      inFlight = commit(r, l, c, e);
      // A failed send must surface at the next await, not as an unhandled rejection.
      inFlight.catch(() => undefined);
    };
    const reject = (row: SourceRow, code: string, message: string): void => {
      batch.rejected++;
      batch.byCode[code] = (batch.byCode[code] ?? 0) + 1;
      rejectLines.push(`${JSON.stringify({ row: row.row, ...(row.line === undefined ? {} : { line: row.line }), code, message, source: row.original }, keepNonFinite)}\n`);
    };
    let exhausted = true;
    for await (const rows of options.source.rows(position, options.signal)) {
      for (const row of rows) {
        batch.read++;
        end = row.end;
        if (row.fields === undefined) {
          reject(row, row.unreadable!.code, row.unreadable!.message);
          continue;
        }
        const outcome = rowToRecord(row.fields, options.reader);
        if (outcome.ok) {
          batch.produced++;
          records.push(outcome.record);
        } else {
          reject(row, outcome.code, outcome.message);
        }
        if (records.length >= options.batchSize) await flush();
      }
      if (batch.read >= options.batchSize) await flush();
      if (options.signal?.aborted === true) { exhausted = false; break; }
    }
    await flush();
    await inFlight;
    complete = exhausted && options.signal?.aborted !== true;
    if (complete && !dryRun) writeAtomically(progressFile, JSON.stringify({ identity: options.identity, position, rejectsBytes, complete: true, ...counts } satisfies ProgressFile));
  } finally {
    closeSync(rejects);
    await producer?.close().catch(() => undefined);
    await options.source.close();
  }
  report();
  const durationMs = Date.now() - startedAt;
  return {
    ...counts, complete, dryRun, resumedFrom, durationMs,
    rowsPerSecond: Math.round(((counts.read - resumedFrom) * 1000) / Math.max(1, durationMs)), rejectsFile: options.rejectsPath,
  };
}
