// The two batch writers must be interchangeable: for awkward values (quotes, backslashes,
// tabs, newlines, unicode, NULLs, extreme numbers) COPY+upsert and unnest store exactly the
// same rows, and both overwrite on conflict.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { calibratedMapping } from '../../../../connectors/postgres/mappings/calibrated.ts';
import type { Row } from '../../../../connectors/postgres/mappings/mapping.ts';
import { rawMapping } from '../../../../connectors/postgres/mappings/raw.ts';
import { migrate } from '../../../../connectors/postgres/migrate.ts';
import { deleteKeys, upsertRows, WriteMethods } from '../../../../connectors/postgres/row-writers.ts';
import { sinkSchema } from '../../../helpers/sink-fixtures.ts';
import { pgClient } from '../../../helpers/stack.ts';

const awkward: Row[] = [
  ['quote"s and \'apostrophes\'', '2026-01-01T00:00:00.000Z', 1.5, 'celsius', '{"note":"a \\"quoted\\" \\\\ backslash"}', 0, '0'],
  ['tab\there', '2026-01-01T00:00:00.001Z', -0.000001, null, '{"lines":"one\\ntwo\\r\\nthree\\ttab"}', 1, '1'],
  ['unicode-ñ-温度-🌡', '2026-01-01T00:00:00.002Z', 1e300, 'µS/cm', '{"emoji":"🌡","nested":{"a":[1,null,"x"]}}', 2, '9007199254740993'],
  ['back\\slash\\N', '1999-12-31T23:59:59.999Z', -1e-300, '\\N', null, 2147483647, '0'],
  ['{braces},commas', '9999-12-31T23:59:59.999Z', 0, 'NULL', '{}', 0, '5'],
];

async function inTransaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  await work();
  await client.query('COMMIT');
}

async function read(client: pg.Client, schema: string): Promise<unknown[]> {
  const { rows } = await client.query<Record<string, unknown>>(`SELECT sensor_id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts,
    value, unit, extra, kafka_partition, kafka_offset::text FROM "${schema}".raw_readings ORDER BY sensor_id`);
  return rows;
}

describe('the batch writers', () => {
  it('store identical rows for awkward values with COPY and with unnest', async () => {
    const client = await pgClient();
    const results: unknown[][] = [];
    for (const method of WriteMethods) {
      const schema = sinkSchema();
      await migrate(client, schema);
      await inTransaction(client, () => upsertRows(client, method, schema, rawMapping, awkward));
      results.push(await read(client, schema));
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toHaveLength(awkward.length);
    expect(results[0]).toContainEqual({
      sensor_id: 'back\\slash\\N', ts: '1999-12-31T23:59:59.999Z', value: -1e-300, unit: '\\N', extra: null,
      kafka_partition: 2147483647, kafka_offset: '0',
    });
  });

  it('overwrite existing rows on conflict and delete by key, with either method', async () => {
    const client = await pgClient();
    for (const method of WriteMethods) {
      const schema = sinkSchema();
      await migrate(client, schema);
      const first: Row = ['s', '2026-01-01T00:00:00.000Z', null, null, 'celsius', 'out_of_range', null, null];
      const second: Row = ['s', '2026-01-01T00:00:00.000Z', 1, 2, 'kelvin', 'ok', 'p#1', '2026-01-02T00:00:00.000Z'];
      const other: Row = ['t', '2026-01-01T00:00:00.000Z', 1, 2, 'kelvin', 'ok', 'p#1', null];
      // Like the sink: each batch in its own transaction (the COPY stage is emptied at commit).
      await inTransaction(client, () => upsertRows(client, method, schema, calibratedMapping, [first, other]));
      await inTransaction(client, async () => {
        await upsertRows(client, method, schema, calibratedMapping, [second]);
        await deleteKeys(client, schema, calibratedMapping, [{ sensorId: 't', ts: '2026-01-01T00:00:00.000Z' }]);
      });
      const { rows } = await client.query<Record<string, unknown>>(`SELECT sensor_id, raw_value, value, unit, status, profile, calibrated_at FROM "${schema}".calibrated_readings`);
      expect(rows, method).toEqual([{ sensor_id: 's', raw_value: 1, value: 2, unit: 'kelvin', status: 'ok', profile: 'p#1', calibrated_at: new Date('2026-01-02T00:00:00.000Z') }]);
    }
  });
});
