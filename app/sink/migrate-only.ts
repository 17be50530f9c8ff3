// `bin/sink --migrate-only`: applies the sinks' migrations to the schema and exits, without
// consuming anything. For Connect mode, where the Kafka Connect JDBC sinks write the tables but
// never create or alter them (schema.evolution=none) and our sinks do not run: an init
// container (k8s/components/connect-mode) or `bin/dev-stack up --connect` runs it instead.
import pg from 'pg';
import { migrate } from '../../connectors/postgres/migrate.ts';
import { createLogger, ExitCodes } from '../../topology/core/ops/index.ts';
import type { SinkCommandConfig } from './sink-command-options.ts';

export async function runMigrationsOnly(config: SinkCommandConfig, secrets: readonly string[]): Promise<number> {
  const logger = createLogger({ secrets: [...secrets] }).child({ component: 'migrate' });
  const client = new pg.Client({ connectionString: config.databaseUrl.reveal(), application_name: 'kalibra-migrate', connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const result = await migrate(client, config.schema);
    logger.info('migrations applied', { schema: config.schema, ...result });
    return ExitCodes.ok;
  } catch (error) {
    logger.error('migrations failed', { schema: config.schema, error });
    return ExitCodes.failed;
  } finally {
    await client.end().catch(() => undefined);
  }
}
