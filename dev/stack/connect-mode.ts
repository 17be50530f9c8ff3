// Connect mode for the local stack (`up --connect`): the pipeline's topics (bin/topics apply),
// the tables (the sinks' migrations, as our sinks would apply them), and both Debezium JDBC sink
// connectors of connectors/kafka-connect/ created on the local worker through its REST API.
// Idempotent: a connector's config is PUT, so a second `up` leaves it as it is. It never
// deletes a connector, a topic or a table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../connectors/postgres/migrate.ts';
import { log } from './output.ts';
import { run } from './processes.ts';
import { databaseUrl, setting } from './settings.ts';
import type { StackSettings } from './settings.ts';

export const ConnectorRoles = ['raw', 'calibrated'] as const;
export type ConnectorRole = (typeof ConnectorRoles)[number];

/** The connector names: `<KALIBRA_CONNECTOR_PREFIX, default kalibra>-<role>-jdbc-sink` (consumer groups `connect-<name>`). */
export function connectorName(settings: StackSettings, role: ConnectorRole): string {
  return `${setting(settings.env, 'KALIBRA_CONNECTOR_PREFIX') ?? 'kalibra'}-${role}-jdbc-sink`;
}

/** A committed connector config with the stack's topic names and schema (KALIBRA_TOPIC_*, KALIBRA_SINK_SCHEMA). */
export function connectorConfig(settings: StackSettings, role: ConnectorRole): Record<string, string> {
  const file = join(settings.root, 'connectors', 'kafka-connect', `${role}-jdbc-sink.json`);
  const { config } = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, string> };
  const schema = setting(settings.env, 'KALIBRA_SINK_SCHEMA');
  const topic = role === 'raw' ? setting(settings.env, 'KALIBRA_TOPIC_RAW') : setting(settings.env, 'KALIBRA_TOPIC_CALIBRATED');
  const dlq = setting(settings.env, 'KALIBRA_TOPIC_DLQ');
  return {
    ...config,
    ...(topic === undefined ? {} : { topics: topic }),
    ...(schema === undefined ? {} : { 'collection.name.format': `${schema}.${role}_readings` }),
    ...(dlq === undefined ? {} : { 'errors.deadletterqueue.topic.name': dlq }),
  };
}

export function connectUrl(settings: StackSettings): string {
  return `http://127.0.0.1:${setting(settings.env, 'KALIBRA_CONNECT_PORT') ?? '8083'}`;
}

/** Topics, tables and both connectors; throws with what failed. */
export async function connectModeUp(settings: StackSettings): Promise<void> {
  const env = { ...settings.env, KAFKA_BROKERS: `127.0.0.1:${settings.kafkaPort}` };
  if (!run(join(settings.root, 'bin', 'topics'), ['apply'], { env })) throw new Error('bin/topics apply failed (see above)');
  const client = new pg.Client({ connectionString: databaseUrl(settings) });
  try {
    await client.connect();
    await migrate(client, setting(settings.env, 'KALIBRA_SINK_SCHEMA') ?? 'public');
  } finally {
    await client.end().catch(() => undefined);
  }
  for (const role of ConnectorRoles) {
    const name = connectorName(settings, role);
    const response = await fetch(`${connectUrl(settings)}/connectors/${encodeURIComponent(name)}/config`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(connectorConfig(settings, role)),
    });
    if (response.status !== 200 && response.status !== 201) throw new Error(`creating connector ${name} answered ${response.status}: ${await response.text()}`);
    log(`connector ${name} ${response.status === 201 ? 'created' : 'up to date'}`);
  }
}
