// bin/import on the real stack (issue 19): history in a Postgres table of another shape
// (other column names, a timestamp without time zone read in a stated zone, a few bad rows)
// is imported, calibrated by the pipeline and recalibrated by bin/replay; the tables hold
// exactly the good rows and the rejects file exactly the bad ones, by row identity. The
// same import run twice changes no row; an import killed halfway and resumed, and imports
// of the same data as CSV and NDJSON, end with the same records as the Postgres import.
// Expected values come from Postgres itself (AT TIME ZONE) and the documented formulas.
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { expectedReading } from '../../helpers/pipeline-expected.ts';
import { readCommitted, spawnBin, tempDir, type PipelineProcess } from '../../helpers/pipeline-processes.ts';
import { calibratedRows, PARTITIONS, recalibrationPipeline, settled, startPipeline, type Pipeline } from '../../helpers/recalibration-pipeline.ts';
import { sinkSchema } from '../../helpers/sink-fixtures.ts';
import { createTopics, databaseUrl, pgClient, uniqueName, waitFor } from '../../helpers/stack.ts';

/** Rows in the source table (the issue asks for 200,000; fewer keep the test within ~2 minutes on a shared 2-core machine). */
const ROWS = 200_000;
const SENSORS = 10;
const ZONE = 'Europe/Berlin';
/** The bad rows, by reading_id, and the code each must be rejected with. */
const BAD: Record<number, string> = {
  11: 'MISSING_SENSOR_ID', 222: 'INVALID_SENSOR_ID', 3333: 'MISSING_VALUE', 4444: 'INVALID_VALUE', 5555: 'TS_TOO_OLD', 6666: 'TS_IN_FUTURE', 7777: 'INVALID_UNIT',
};
const GOOD = ROWS - Object.keys(BAD).length;
const COLUMNS = ['--sensor-column', 'device', '--ts-column', 'taken_at', '--value-column', 'reading', '--unit-column', 'uom', '--timezone', ZONE];

/** A legacy table: one reading a minute per sensor from 2026-02-01 00:00 Berlin time, and the bad rows. */
async function legacyTable(client: pg.ClientBase, schema: string): Promise<string> {
  const table = `"${schema}".legacy_readings`;
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`CREATE TABLE ${table} (reading_id bigint PRIMARY KEY, device text, taken_at timestamp without time zone, reading double precision, uom text)`);
  await client.query(`INSERT INTO ${table}
    SELECT i, 'rc-' || lpad(((i - 1) % ${SENSORS})::text, 2, '0'), timestamp '2026-02-01 00:00:00' + ((i - 1) / ${SENSORS}) * interval '1 minute',
           20 + ((i * 7) % 1000) / 100.0, 'celsius'
    FROM generate_series(1, ${ROWS}) AS i`);
  await client.query(`UPDATE ${table} SET device = NULL WHERE reading_id = 11`);
  await client.query(`UPDATE ${table} SET device = 'rc 99' WHERE reading_id = 222`);
  await client.query(`UPDATE ${table} SET reading = NULL WHERE reading_id = 3333`);
  await client.query(`UPDATE ${table} SET reading = 'NaN' WHERE reading_id = 4444`);
  await client.query(`UPDATE ${table} SET taken_at = '1999-06-01 12:00' WHERE reading_id = 5555`);
  await client.query(`UPDATE ${table} SET taken_at = '2099-06-01 12:00' WHERE reading_id = 6666`);
  await client.query(`UPDATE ${table} SET uom = repeat('x', 40) WHERE reading_id = 7777`);
  return table;
}

const query = (table: string): string => `select reading_id, device, taken_at, reading, uom from ${table} order by reading_id`;

/** `<sensor>|<epoch ms>|<value>` of every good row, computed by Postgres. */
async function expectedRaw(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ r: string }>(`SELECT device || '|' || (extract(epoch FROM taken_at AT TIME ZONE '${ZONE}') * 1000)::bigint || '|' || reading AS r
    FROM ${table} WHERE reading_id <> ALL($1::bigint[]) ORDER BY 1`, [Object.keys(BAD).map(Number)]);
  return rows.map((row) => row.r);
}

async function actualRaw(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ r: string }>(`SELECT sensor_id || '|' || (extract(epoch FROM ts) * 1000)::bigint || '|' || value || '|' || coalesce(unit, '-') || '|' || coalesce(extra::text, 'none') AS r
    FROM "${schema}".raw_readings ORDER BY 1`);
  return rows.map((row) => row.r);
}

function importRun(args: string[], env: Record<string, string>): { proc: PipelineProcess; summary: () => Record<string, unknown> } {
  const proc = spawnBin('import', args, env);
  return {
    proc,
    summary: () => JSON.parse(proc.output().split('\n').find((line) => line.startsWith('{"read"'))!) as Record<string, unknown>,
  };
}

async function finished(run: { proc: PipelineProcess }, what: string): Promise<void> {
  const code = await run.proc.exited;
  if (code !== 0) throw new Error(`${what} exited ${code}:\n${run.proc.output().slice(-3_000)}`);
}

/** reading_id → code of every line of a rejects file, the id read from the row as the rejects file shows it. */
function rejectedIds(path: string, idOf: (source: unknown) => number): Record<number, string> {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
  return Object.fromEntries(lines.map((line) => {
    const reject = JSON.parse(line) as { code: string; source: unknown; row: number };
    expect(reject.row).toBe(idOf(reject.source));
    return [idOf(reject.source), reject.code];
  }));
}

const pgId = (source: unknown): number => Number((source as { reading_id: string }).reading_id);

function verdictCalibrated(p: Pipeline, rows: Awaited<ReturnType<typeof calibratedRows>>, expected: string[], edited: boolean): string[] {
  const problems: string[] = [];
  if (rows.size !== expected.length) problems.push(`${rows.size} calibrated rows, expected ${expected.length}`);
  for (const line of expected) {
    const [sensor, ts, raw] = line.split('|');
    const row = rows.get(`${sensor}|${ts}`);
    const want = expectedReading(p.profile(sensor!, edited), Number(ts), Number(raw));
    if (row === undefined || row.value === null || Math.abs(row.value - want.value!) > 1e-9 * Math.max(1, Math.abs(want.value!)) || row.profile !== want.profile) {
      problems.push(`${sensor}|${ts}: expected ${JSON.stringify(want)}, got ${JSON.stringify(row)}`);
    }
    if (problems.length > 10) break;
  }
  return problems;
}

describe('bin/import', () => {
  it(`imports ${ROWS} rows of another shape from Postgres, the pipeline calibrates exactly the good ones, bin/replay recalibrates them, and a second import changes no row`, async () => {
    const p = await recalibrationPipeline('import', SENSORS);
    const client = await pgClient();
    const table = await legacyTable(client, p.schema);
    const dir = tempDir('kalibra-import');
    const rejects = join(dir, 'pg.rejects.ndjson');
    const args = ['--from-postgres', databaseUrl(), '--query', query(table), ...COLUMNS, '--rejects', rejects];

    const first = importRun(args, p.env);
    await finished(first, 'the import');
    expect(first.summary()).toMatchObject({ read: ROWS, produced: GOOD, rejected: ROWS - GOOD, complete: true });
    expect(rejectedIds(rejects, pgId)).toEqual(Object.fromEntries(Object.entries(BAD).map(([id, code]) => [Number(id), code])));

    const { calibrator } = await startPipeline(p, 'import-1');
    const expected = await expectedRaw(client, table);
    expect(expected).toHaveLength(GOOD);
    await waitFor(async () => (await calibratedRows(client, p.schema).catch(() => new Map())).size === GOOD,
      { timeoutMs: 120_000, intervalMs: 1_000, message: `${GOOD} calibrated rows` });
    await settled(p, client);
    const raw = await actualRaw(client, p.schema);
    expect(raw.map((r) => r.split('|').slice(0, 3).join('|')).sort()).toEqual(expected);
    expect(raw.every((r) => r.endsWith('|celsius|none') || r.endsWith('|celsius|{}'))).toBe(true);
    expect(verdictCalibrated(p, await calibratedRows(client, p.schema), expected, false)).toEqual([]);

    // The profiles change; the calibrator restarts with them and bin/replay recalibrates the imported history.
    calibrator.child.kill('SIGTERM');
    await calibrator.exited;
    p.editProfiles();
    const replay = p.replay(['--from', '2026-01-31T00:00:00Z', '--yes']);
    const again = p.calibrator('import-1');
    expect(await replay.exited, replay.output()).toBe(0);
    await waitFor(async () => verdictCalibrated(p, await calibratedRows(client, p.schema), expected, true).length === 0,
      { timeoutMs: 120_000, intervalMs: 1_000, message: 'every imported reading recalibrated with the edited profiles' });
    await settled(p, client);

    // The same import again: the same records under the same keys, so no row changes (kafka_offset and calibrated_at aside).
    const calibratedBefore = [...(await calibratedRows(client, p.schema))].map(([k, r]) => `${k}|${r.value}|${r.profile}|${r.status}`).sort();
    // The rejects again, but for the TS_IN_FUTURE message, which names the time of the run.
    const withoutMessages = (): unknown[] => readFileSync(rejects, 'utf8').split('\n').filter(Boolean).map((line) => ({ ...(JSON.parse(line) as object), message: undefined }));
    const rejectsBefore = withoutMessages();
    const second = importRun(args, p.env);
    await finished(second, 'the second import');
    expect(second.summary()).toMatchObject({ read: ROWS, produced: GOOD, rejected: ROWS - GOOD });
    await settled(p, client);
    expect(await actualRaw(client, p.schema)).toEqual(raw);
    expect([...(await calibratedRows(client, p.schema))].map(([k, r]) => `${k}|${r.value}|${r.profile}|${r.status}`).sort()).toEqual(calibratedBefore);
    expect(withoutMessages()).toEqual(rejectsBefore);
    again.child.kill('SIGTERM');
  }, 420_000);

  it('ends in the same records when killed halfway and resumed, and when the same data comes as CSV or NDJSON', async () => {
    const client = await pgClient();
    const schema = sinkSchema();
    const table = await legacyTable(client, schema);
    const dir = tempDir('kalibra-import');
    const topics = { pg: uniqueName('import-pg'), resumed: uniqueName('import-resumed'), csv: uniqueName('import-csv'), ndjson: uniqueName('import-ndjson') };
    await createTopics(Object.values(topics), { partitions: PARTITIONS, configs: { 'cleanup.policy': 'compact' } });
    const env = (topic: string): Record<string, string> => ({ KALIBRA_TOPIC_RAW: topic });

    const pgRun = importRun(['--from-postgres', databaseUrl(), '--query', query(table), ...COLUMNS, '--rejects', join(dir, 'pg.ndjson')], env(topics.pg));

    // Killed (SIGKILL, no chance to clean up) once the progress file shows a quarter done, then resumed.
    const resumedArgs = ['--from-postgres', databaseUrl(), '--query', query(table), ...COLUMNS, '--rejects', join(dir, 'resumed.ndjson'), '--batch-size', '500'];
    const killed = importRun(resumedArgs, env(topics.resumed));
    const done = await waitFor(() => {
      try {
        const progress = JSON.parse(readFileSync(join(dir, 'resumed.ndjson.progress.json'), 'utf8')) as { position: { rows: number } };
        return progress.position.rows >= ROWS / 4 ? progress.position.rows : undefined;
      } catch {
        return undefined;
      }
    }, { timeoutMs: 60_000, intervalMs: 10, message: 'the import to get a quarter through' });
    killed.proc.child.kill('SIGKILL');
    await killed.proc.exited;
    expect(done).toBeLessThan(ROWS);
    const resumed = importRun([...resumedArgs, '--resume'], env(topics.resumed));
    await finished(resumed, 'the resumed import');
    expect(resumed.summary()).toMatchObject({ read: ROWS, produced: GOOD, rejected: ROWS - GOOD, complete: true });
    expect((resumed.summary().resumedFrom as number)).toBeGreaterThanOrEqual(ROWS / 4);

    // The same rows exported by Postgres itself, as CSV (with a header) and as NDJSON.
    const copy = async (sql: string, path: string): Promise<void> => {
      await pipeline(client.query(copyTo(sql)), createWriteStream(path));
    };
    await copy(`COPY (${query(table)}) TO STDOUT WITH (FORMAT csv, HEADER)`, join(dir, 'legacy.csv'));
    await copy(`COPY (SELECT row_to_json(t) FROM (${query(table)}) AS t) TO STDOUT`, join(dir, 'legacy.ndjson'));
    const csvRun = importRun(['--file', join(dir, 'legacy.csv'), ...COLUMNS, '--rejects', join(dir, 'csv.ndjson')], env(topics.csv));
    const ndjsonRun = importRun(['--file', join(dir, 'legacy.ndjson'), ...COLUMNS, '--rejects', join(dir, 'nd.ndjson')], env(topics.ndjson));
    for (const [run, what] of [[pgRun, 'pg'], [csvRun, 'csv'], [ndjsonRun, 'ndjson']] as const) {
      await finished(run, `the ${what} import`);
      expect(run.summary(), what).toMatchObject({ read: ROWS, produced: GOOD, rejected: ROWS - GOOD, complete: true });
    }

    const bad = Object.fromEntries(Object.entries(BAD).map(([id, code]) => [Number(id), code]));
    expect(rejectedIds(join(dir, 'pg.ndjson'), pgId)).toEqual(bad);
    expect(rejectedIds(join(dir, 'resumed.ndjson'), pgId)).toEqual(bad);
    expect(rejectedIds(join(dir, 'csv.ndjson'), (line) => Number((line as string).split(',')[0]))).toEqual(bad);
    expect(rejectedIds(join(dir, 'nd.ndjson'), (line) => (JSON.parse(line as string) as { reading_id: number }).reading_id)).toEqual(bad);

    // Every topic read to its end: the latest record per key (what compaction keeps and the sinks upsert), and its partition.
    const latest = async (topic: string, atLeast: number): Promise<Map<string, string>> => {
      const reader = await readCommitted(topic);
      await waitFor(() => reader.records.length >= atLeast, { timeoutMs: 60_000, message: `${atLeast} records on ${topic}` });
      const byKey = new Map<string, string>();
      for (const r of reader.records) byKey.set(r.key, `${r.partition}|${r.value}`);
      return byKey;
    };
    const reference = await latest(topics.pg, GOOD);
    expect(reference.size).toBe(GOOD);
    const expected = await expectedRaw(client, table);
    expect([...reference.keys()].sort()).toEqual(expected.map((line) => line.split('|').slice(0, 2).join('|')).sort());
    for (const topic of [topics.resumed, topics.csv, topics.ndjson]) {
      const got = await latest(topic, GOOD);
      expect(got.size, topic).toBe(GOOD);
      const differing = [...reference].filter(([key, value]) => got.get(key) !== value).slice(0, 5);
      expect(differing, topic).toEqual([]);
    }
  }, 300_000);
});
