// Where bin/import reads rows: a Postgres query through a cursor, a CSV file, an NDJSON file.
// Each yields rows in chunks, each row with its identity (row number, and for files the line
// and the byte offset after it) so that a reject names where it came from and a resumed
// import starts right after the last durable row. Never all in memory.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import pg from 'pg';

/** How far an import has durably got: rows consumed, and in a file the byte offset and line after them. */
export interface Position {
  rows: number;
  offset?: number;
  line?: number;
}

export interface SourceRow {
  /** The row's columns by name; undefined when it could not be read at all. */
  fields?: Record<string, unknown>;
  /** Why the row could not be read (a line of a file that is not UTF-8, not JSON, not an object). */
  unreadable?: { code: 'INVALID_ENCODING' | 'NOT_JSON' | 'NOT_AN_OBJECT'; message: string };
  /** 1-based number of the row in the source (data rows, the CSV header not counted). */
  row: number;
  /** 1-based line in a file where the row starts. */
  line?: number;
  /** What goes into the rejects file to show the row: its columns, or the line as written. */
  original: unknown;
  /** The position just after this row. */
  end: Position;
}

export interface ImportSource {
  /** What the source is, to refuse resuming an import of something else. */
  readonly identity: Record<string, string>;
  /** Units of work in total (rows, or bytes of a file) for the progress bar, if known. */
  total(): Promise<number | undefined>;
  /** Progress in the unit of total() at a position. */
  done(position: Position): number;
  rows(from: Position, signal?: AbortSignal): AsyncGenerator<SourceRow[]>;
  close(): Promise<void>;
}

const FETCH_ROWS = 5_000;
// timestamp, timestamptz, date, numeric, int8: kept as Postgres writes them (text), never as a
// Date in this process's zone; row-reading.ts reads them.
const AS_TEXT = new Set([1114, 1184, 1082, 1700, 20]);

/** pg's type parsers, except that the given types are returned as the text Postgres sent. */
function textFor(oids: ReadonlySet<number>): typeof pg.types.getTypeParser {
  const parser = (oid: number, format?: 'text' | 'binary'): unknown =>
    (oids.has(oid) ? (text: string): string => text : pg.types.getTypeParser(oid, format ?? 'text'));
  return parser as typeof pg.types.getTypeParser;
}

export function postgresSource(connection: string, query: string): ImportSource {
  const client = new pg.Client({
    connectionString: connection,
    application_name: 'kalibra-import',
    types: { getTypeParser: textFor(AS_TEXT) },
  });
  let connected: Promise<void> | undefined;
  const connect = async (): Promise<void> => {
    connected ??= (async () => {
      await client.connect();
      await client.query("SET DateStyle = 'ISO'; SET TimeZone = 'UTC'");
    })();
    await connected;
  };
  return {
    identity: { source: 'postgres', query },
    async total() {
      await connect();
      try {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM (${query}) AS kalibra_import_count`);
        return Number(rows[0]!.n);
      } catch {
        return undefined;
      }
    },
    done: (position) => position.rows,
    async *rows(from, signal) {
      await connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        await client.query(`DECLARE kalibra_import NO SCROLL CURSOR FOR ${query}`);
        if (from.rows > 0) await client.query(`MOVE FORWARD ${from.rows} FROM kalibra_import`);
        let n = from.rows;
        while (signal?.aborted !== true) {
          const result = await client.query({ text: `FETCH FORWARD ${FETCH_ROWS} FROM kalibra_import`, rowMode: 'array' });
          if (result.rows.length === 0) break;
          const names = result.fields.map((f) => f.name);
          yield (result.rows as unknown[][]).map((values) => {
            n++;
            const fields = Object.fromEntries(names.map((name, i) => [name, values[i]]));
            return { fields, row: n, original: fields, end: { rows: n } };
          });
        }
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

interface RawRecord {
  bytes: Buffer;
  line: number;
  /** Byte offset and line just after the record and its line end. */
  end: number;
  endLine: number;
}

/**
 * The records of a file from byte `offset` (a line start): lines, except that in CSV a line
 * end inside double quotes belongs to the field. Works on bytes, so offsets are exact; the
 * separators are ASCII, which no byte of a multi-byte UTF-8 character can be.
 */
async function* fileRecords(path: string, offset: number, line: number, csv: boolean, signal?: AbortSignal): AsyncGenerator<RawRecord[]> {
  let carry: Buffer = Buffer.alloc(0);
  let carryStart = offset;
  let quoted = false;
  let scanned = 0;
  let lineNo = line;
  let recordLine = line;
  for await (const chunk of createReadStream(path, { start: offset, highWaterMark: 1 << 20 })) {
    if (signal?.aborted === true) return;
    const buffer = carry.length === 0 ? chunk as Buffer : Buffer.concat([carry, chunk as Buffer]);
    const out: RawRecord[] = [];
    let start = 0;
    for (let i = scanned; i < buffer.length; i++) {
      const c = buffer[i];
      if (csv && c === 0x22) quoted = !quoted;
      else if (c === 0x0a) {
        lineNo++;
        if (!quoted) {
          const end = i > start && buffer[i - 1] === 0x0d ? i - 1 : i;
          out.push({ bytes: buffer.subarray(start, end), line: recordLine, end: carryStart + i + 1, endLine: lineNo });
          start = i + 1;
          recordLine = lineNo;
        }
      }
    }
    carry = Buffer.from(buffer.subarray(start));
    carryStart += start;
    scanned = carry.length;
    if (out.length > 0) yield out;
  }
  if (carry.length > 0) {
    const end = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length;
    yield [{ bytes: carry.subarray(0, end), line: recordLine, end: carryStart + carry.length, endLine: lineNo + 1 }];
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The fields of one CSV record (RFC 4180: "" is a quote inside a quoted field). */
export function csvFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { fields.push(field); field = ''; }
    else field += c;
  }
  fields.push(field);
  return fields;
}

export function fileSource(path: string, format: 'csv' | 'ndjson'): ImportSource {
  const csv = format === 'csv';
  let header: { names: string[]; end: number; endLine: number } | undefined;
  const readHeader = async (): Promise<NonNullable<typeof header>> => {
    if (header !== undefined) return header;
    for await (const records of fileRecords(path, 0, 1, true)) {
      const first = records[0]!;
      header = { names: csvFields(decode(first.bytes) ?? '').map((name) => name.trim()), end: first.end, endLine: first.endLine };
      return header;
    }
    header = { names: [], end: 0, endLine: 1 };
    return header;
  };
  return {
    identity: { source: format, file: path },
    async total() {
      return (await stat(path)).size;
    },
    done: (position) => position.offset ?? 0,
    async *rows(from, signal) {
      const names = csv ? (await readHeader()).names : [];
      const start = from.offset ?? (csv ? (await readHeader()).end : 0);
      let n = from.rows;
      for await (const records of fileRecords(path, start, from.line ?? (csv ? (await readHeader()).endLine : 1), csv, signal)) {
        const rows: SourceRow[] = [];
        for (const record of records) {
          const end = { rows: n, offset: record.end, line: record.endLine };
          if (record.bytes.length === 0 || (record.bytes.length === 1 && record.bytes[0] === 0x0d)) {
            if (rows.length > 0) rows[rows.length - 1]!.end = end;
            continue;
          }
          n++;
          end.rows = n;
          const text = decode(record.bytes);
          const base = { row: n, line: record.line, end };
          if (text === undefined) {
            rows.push({ ...base, unreadable: { code: 'INVALID_ENCODING', message: 'the line is not valid UTF-8' }, original: record.bytes.toString('base64') });
          } else if (csv) {
            const values = csvFields(text);
            rows.push({ ...base, fields: Object.fromEntries(names.map((name, i) => [name, values[i]])), original: text });
          } else {
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch (error) {
              rows.push({ ...base, unreadable: { code: 'NOT_JSON', message: `the line is not JSON: ${error instanceof Error ? error.message : String(error)}` }, original: text });
              continue;
            }
            rows.push(json !== null && typeof json === 'object' && !Array.isArray(json)
              ? { ...base, original: text, fields: json as Record<string, unknown> }
              : { ...base, original: text, unreadable: { code: 'NOT_AN_OBJECT', message: 'the line is not a JSON object' } });
          }
        }
        if (rows.length > 0) yield rows;
      }
    },
    async close() {
      // Nothing held open between reads.
    },
  };
}
