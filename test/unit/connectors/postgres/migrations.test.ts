import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../../../connectors/postgres/migrate.ts';

describe('the migration files', () => {
  it('are numbered from 1 without gaps and loaded in order', () => {
    expect(loadMigrations().map((m) => m.version)).toEqual([1, 2, 3]);
  });

  it('never name a schema, so the runner can apply them to any schema', () => {
    for (const migration of loadMigrations()) expect(migration.sql).not.toMatch(/\b(public|kalibra)\./);
  });

  it('only turn tables into hypertables when TimescaleDB is available, and never fail without it', () => {
    const timescale = loadMigrations().find((m) => m.name.includes('timescale'))!;
    expect(timescale.sql).toContain("FROM pg_available_extensions WHERE name = 'timescaledb'");
    expect(timescale.sql).toContain('EXCEPTION WHEN OTHERS');
  });
});
