import { describe, expect, it } from 'vitest';
import { pgClient, uniqueName } from '../../helpers/stack.ts';

describe('the local Postgres', () => {
  it('writes and reads back a row in the kalibra database', async () => {
    const client = await pgClient();
    const table = uniqueName('stack_check').replace('-', '_');
    await client.query(`create table ${table} (id int primary key, note text)`);
    try {
      await client.query(`insert into ${table} values ($1, $2)`, [1, 'hello']);
      const { rows } = await client.query<{ id: number; note: string }>(`select id, note from ${table}`);
      expect(rows).toEqual([{ id: 1, note: 'hello' }]);
      const { rows: [db] } = await client.query<{ name: string }>('select current_database() as name');
      expect(db?.name).toBe('kalibra');
    } finally {
      await client.query(`drop table ${table}`);
    }
  });
});
