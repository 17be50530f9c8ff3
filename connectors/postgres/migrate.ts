// Applies the versioned SQL files in ./migrations to one schema, at sink start. Safe to run
// from many processes at once: everything happens in one transaction that first takes a
// transaction-scoped advisory lock per schema, so the second runner waits, then finds the
// versions already recorded in schema_migrations and does nothing. Never edits a migration
// that has been applied; an edited file is reported, not re-run.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { SinkError } from './errors.ts';
import { checkIdentifier } from './identifiers.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The migration files, ordered by version (the number before the first `_`). */
export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir).filter((file) => file.endsWith('.sql')).sort().map((file) => {
    const match = /^(\d+)_.+\.sql$/.exec(file);
    if (!match?.[1]) throw new SinkError('MIGRATION_FAILED', `migration file ${file} must be named <version>_<name>.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version: Number(match[1]), name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

export interface MigrationResult {
  applied: string[];
}

/** Brings `schema` up to the latest migration. `client` must not be inside a transaction. */
export async function migrate(client: pg.ClientBase, schema: string,
  migrations: Migration[] = loadMigrations()): Promise<MigrationResult> {
  checkIdentifier(schema, 'schema');
  const applied: string[] = [];
  await client.query('BEGIN');
  try {
    // One lock per schema: two sinks of different schemas never wait for each other.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`kalibra-migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations');
    const done = new Map(rows.map((row) => [row.version, row]));
    for (const migration of migrations) {
      const previous = done.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new SinkError('MIGRATION_CHANGED',
            `migration ${migration.name} was edited after it was applied to schema ${schema}; add a new migration instead`);
        }
        continue;
      }
      try {
        await client.query(migration.sql);
      } catch (error) {
        throw new SinkError('MIGRATION_FAILED', `migration ${migration.name} failed on schema ${schema}`, { cause: error });
      }
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
        [migration.version, migration.name, migration.checksum]);
      applied.push(migration.name);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { applied };
}
