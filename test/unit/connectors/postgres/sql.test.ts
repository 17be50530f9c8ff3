import { describe, expect, it } from 'vitest';
import { checkIdentifier } from '../../../../connectors/postgres/identifiers.ts';
import { rawMapping } from '../../../../connectors/postgres/mappings/raw.ts';
import {
  advanceOffsetSql, copyTextLine, deleteKeysSql, stageTableName, unnestUpsertSql, upsertFromStageSql,
} from '../../../../connectors/postgres/sql.ts';

describe('the sink SQL', () => {
  it('upserts from unnest with one typed array per column and updates every non-key column', () => {
    expect(unnestUpsertSql('kalibra', rawMapping)).toBe(
      'INSERT INTO "kalibra"."raw_readings" ("sensor_id", "ts", "value", "unit", "extra", "kafka_partition", "kafka_offset") '
      + 'SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::text[], $5::jsonb[], $6::int4[], $7::int8[]) '
      + 'ON CONFLICT (sensor_id, ts) DO UPDATE SET "value" = EXCLUDED."value", "unit" = EXCLUDED."unit", "extra" = EXCLUDED."extra", '
      + '"kafka_partition" = EXCLUDED."kafka_partition", "kafka_offset" = EXCLUDED."kafka_offset"');
  });

  it('upserts from a stage table named after the schema and table, so two schemas never share one', () => {
    expect(upsertFromStageSql('a', rawMapping)).toContain(`FROM "${stageTableName('a', rawMapping)}" ON CONFLICT`);
    expect(stageTableName('a', rawMapping)).not.toBe(stageTableName('b', rawMapping));
  });

  it('moves an offset only if it still has the expected value', () => {
    expect(advanceOffsetSql('s')).toMatch(/WHERE connector = \$1 AND topic = \$2 AND partition = \$3 AND next_offset = \$5$/);
  });

  it('deletes by (sensor_id, ts) pairs', () => {
    expect(deleteKeysSql('s', rawMapping)).toContain('USING unnest($1::text[], $2::timestamptz[]) AS d(sensor_id, ts)');
  });

  it('escapes COPY text: backslash, tab, newline, carriage return, and NULL as \\N', () => {
    expect(copyTextLine(['a\\b', 'tab\there', 'line\nbreak\r', null, 1.5, '{"k":"v"}']))
      .toBe('a\\\\b\ttab\\there\tline\\nbreak\\r\t\\N\t1.5\t{"k":"v"}\n');
  });

  it.each(['Public', 'a-b', '1abc', 'x; drop table y', '', 'a'.repeat(64)])('refuses %j as a schema name', (name) => {
    expect(() => checkIdentifier(name, 'schema')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => checkIdentifier(name, 'schema')).toThrow(/^schema must be/);
  });
});
