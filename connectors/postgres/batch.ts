// Turns a run of consumed records into what one database transaction must do: the rows to
// upsert (and their COPY text), the keys to delete, the records to dead-letter, and the next
// offset per partition. Pure. Within a batch the last record per (sensor_id, ts) wins in offset
// order, so one upsert statement never touches a row twice and a tombstone after a value
// deletes. Built one record at a time (BatchBuilder), so the sink parses and encodes the next
// batch while the previous one is being written.
import type { SourceRecord } from '../../topology/index.ts';
import { SinkError } from './errors.ts';
import { readingKeyFields } from './mappings/fields.ts';
import { keyIndexes } from './mappings/mapping.ts';
import type { Mapping, Row } from './mappings/mapping.ts';
import { copyTextLine } from './sql.ts';

const COPY_CHUNK_LINES = 256;
/** Stands for "a row to upsert" in a slot when the builder does not keep rows. */
const MAPPED: Row = [];

export interface DeadLetter {
  readonly record: SourceRecord;
  readonly error: SinkError;
}

export interface WriteBatch {
  readonly upserts: Row[];
  /** The upserts in COPY text format, one line each, in the same order. */
  readonly copyText: string;
  /** The record each upsert comes from (same index), for dead-lettering a row Postgres refuses. */
  readonly upsertSources: SourceRecord[];
  readonly deletes: { sensorId: string; ts: string }[];
  /** The tombstone each delete comes from (same index). */
  readonly deleteSources: SourceRecord[];
  readonly deadLetters: DeadLetter[];
  /** partition → first offset after the last record of that partition in the batch. */
  readonly nextOffsets: Map<number, bigint>;
  readonly records: number;
}

/**
 * Collects records in offset order per partition (as consumed); `seal()` hands out the batch.
 * Each record is mapped and encoded when added: one slot per (sensor_id, ts), overwritten by a
 * later record with the same key, so the first occurrence's position is kept. Without
 * `keepRows` (the COPY method needs only the COPY text) a row is not kept once encoded: fewer
 * objects live until the batch is written; `upserts` maps the sources again if it is asked for
 * (the rare refused-row path). Mappings are pure, so that gives the same rows.
 */
export class BatchBuilder {
  readonly #mapping: Mapping;
  readonly #sensorIdAt: number;
  readonly #tsAt: number;
  readonly #keepRows: boolean;
  /** (sensor_id, ts) → slot. */
  readonly #slots = new Map<string, number>();
  /** Per slot: the row to upsert (MAPPED when rows are not kept), or undefined for a delete. */
  #rows: (Row | undefined)[] = [];
  #deletes: ({ sensorId: string; ts: string } | undefined)[] = [];
  #sources: SourceRecord[] = [];
  #deadLetters: DeadLetter[] = [];
  #nextOffsets = new Map<number, bigint>();
  #records = 0;
  /**
   * COPY text of the upserts as added, as lines and as chunks of COPY_CHUNK_LINES lines joined
   * (a few flat strings per batch, not thousands of small ones); stale (re-encoded at seal) once
   * a slot was overwritten.
   */
  #lines: string[] = [];
  #chunks: string[] = [];
  #overwritten = false;

  constructor(mapping: Mapping, options: { keepRows?: boolean } = {}) {
    this.#mapping = mapping;
    this.#keepRows = options.keepRows ?? true;
    [this.#sensorIdAt, this.#tsAt] = keyIndexes(mapping);
  }

  /** Records added since the last seal (dead letters and overwritten ones included). */
  get size(): number {
    return this.#records;
  }

  add(record: SourceRecord): void {
    this.#records++;
    const next = record.offset + 1n;
    if ((this.#nextOffsets.get(record.partition) ?? -1n) < next) this.#nextOffsets.set(record.partition, next);
    try {
      if (record.value === null) {
        const key = readingKeyFields(record.key);
        this.#put(`${key.sensorId}\u0000${key.ts}`, undefined, key, record);
      } else {
        const row = this.#mapping.toRow(record as SourceRecord & { value: Buffer });
        this.#put(`${row[this.#sensorIdAt] as string}\u0000${row[this.#tsAt] as string}`, row, undefined, record);
      }
    } catch (error) {
      const reason = error instanceof SinkError
        ? error
        : new SinkError('RECORD_INVALID_FIELD', `mapping ${this.#mapping.name} failed: ${String(error)}`, { cause: error });
      this.#deadLetters.push({ record, error: reason });
    }
  }

  #put(key: string, row: Row | undefined, deleted: { sensorId: string; ts: string } | undefined, record: SourceRecord): void {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#sources.length;
      this.#slots.set(key, slot);
    } else {
      this.#overwritten = true;
    }
    this.#rows[slot] = row === undefined || this.#keepRows ? row : MAPPED;
    this.#deletes[slot] = deleted;
    this.#sources[slot] = record;
    if (row !== undefined && !this.#overwritten) {
      this.#lines.push(copyTextLine(row));
      if (this.#lines.length === COPY_CHUNK_LINES) {
        this.#chunks.push(this.#lines.join(''));
        this.#lines = [];
      }
    }
  }

  /** The batch of every record added since the last seal; the builder starts empty again. */
  seal(): WriteBatch {
    const kept: Row[] = [];
    const upsertSources: SourceRecord[] = [];
    const deletes: { sensorId: string; ts: string }[] = [];
    const deleteSources: SourceRecord[] = [];
    for (let slot = 0; slot < this.#sources.length; slot++) {
      const row = this.#rows[slot];
      if (row !== undefined) {
        if (this.#keepRows) kept.push(row);
        upsertSources.push(this.#sources[slot]!);
      } else {
        deletes.push(this.#deletes[slot]!);
        deleteSources.push(this.#sources[slot]!);
      }
    }
    const mapping = this.#mapping;
    let rows: Row[] | undefined = this.#keepRows ? kept : undefined;
    const upserts = (): Row[] => {
      rows ??= upsertSources.map((source) => mapping.toRow(source as SourceRecord & { value: Buffer }));
      return rows;
    };
    let copyText: string;
    if (this.#overwritten) {
      const lines: string[] = [];
      for (const row of upserts()) lines.push(copyTextLine(row));
      copyText = lines.join('');
    } else {
      this.#chunks.push(this.#lines.join(''));
      copyText = this.#chunks.join('');
    }
    const batch: WriteBatch = {
      get upserts(): Row[] { return upserts(); },
      copyText, upsertSources, deletes, deleteSources, deadLetters: this.#deadLetters, nextOffsets: this.#nextOffsets,
      records: this.#records,
    };
    this.clear();
    return batch;
  }

  /** Forgets every record added since the last seal. */
  clear(): void {
    this.#slots.clear();
    this.#rows = [];
    this.#deletes = [];
    this.#sources = [];
    this.#deadLetters = [];
    this.#nextOffsets = new Map();
    this.#records = 0;
    this.#lines = [];
    this.#chunks = [];
    this.#overwritten = false;
  }
}

/** `records` must be in offset order per partition (as consumed). */
export function buildBatch(mapping: Mapping, records: readonly SourceRecord[]): WriteBatch {
  const builder = new BatchBuilder(mapping);
  for (const record of records) builder.add(record);
  return builder.seal();
}
