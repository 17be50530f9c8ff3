// The Kubernetes Kafka Connect path (k8s/components/kafka-connect) against the one proven
// locally on a real worker (connectors/kafka-connect/calibrated-jdbc-sink.json, dev/connect):
// the two were written apart once and drifted; these tests make every difference deliberate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../dev/k8s/render.ts';
import type { K8sObject } from '../../../dev/k8s/render.ts';
import { find, one, rendered } from './rendered.ts';

interface Connector { class: string; tasksMax: number; config: Record<string, unknown> }
interface Volume { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } }
interface KafkaConnectSpec {
  config: Record<string, unknown>;
  jvmOptions?: { javaSystemProperties?: { name: string; value: string }[] };
  template: { pod: { volumes: Volume[] }; connectContainer: { volumeMounts: { name: string; mountPath: string }[] } };
  build: { plugins: { name: string; artifacts: Record<string, string>[] }[] };
}

const local = JSON.parse(readFileSync(join(repoRoot, 'connectors/kafka-connect/calibrated-jdbc-sink.json'), 'utf8')) as { name: string; config: Record<string, string> };

/** Keys of the local config that may differ in Kubernetes, and why. Everything else must be equal. */
const allowedToDiffer: Record<string, string> = {
  'connector.class': 'spec.class in a KafkaConnector (compared below)',
  'tasks.max': 'spec.tasksMax: the local stack runs one task on its one-partition topics',
  'connection.url': 'the local worker gets it from its environment, Kubernetes names the CNPG service',
  'connection.username': 'a config provider either way (checked below): env locally, the mounted Secret in Kubernetes',
  'connection.password': 'a config provider either way (checked below)',
  'errors.deadletterqueue.topic.replication.factor': '1 on the one-broker local stack, the broker default (-1) in Kubernetes',
};

async function connectObjects(): Promise<{ connector: Connector; connect: KafkaConnectSpec }> {
  const objects = await rendered('k8s/overlays/production-connect');
  return {
    connector: one(objects, 'KafkaConnector', 'calibrated-readings-jdbc-sink').spec as Connector,
    connect: one(objects, 'KafkaConnect', 'kalibra-connect').spec as KafkaConnectSpec,
  };
}

// YAML gives booleans and numbers, the REST JSON strings; Connect parses both the same.
function asConnectString(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

describe('the KafkaConnector agrees with connectors/kafka-connect/calibrated-jdbc-sink.json', () => {
  it('has every setting of the local config with the same value, except the listed ones', async () => {
    const { connector } = await connectObjects();
    const mustMatch = Object.keys(local.config).filter((key) => !(key in allowedToDiffer));
    const k8s = Object.fromEntries(mustMatch.map((key) => [key, asConnectString(connector.config[key])]));
    expect(k8s).toEqual(Object.fromEntries(mustMatch.map((key) => [key, local.config[key]])));
    expect(connector.class).toBe(local.config['connector.class']);
  });

  it('has no setting the local config lacks, so nothing runs in Kubernetes that was not proven locally', async () => {
    const { connector } = await connectObjects();
    const extra = Object.keys(connector.config).filter((key) => !(key in local.config));
    expect(extra).toEqual([]);
  });

  it('upserts on the record key (sensor_id, ts) so tombstones delete, reads committed records only and uses no deprecated key', async () => {
    // Said outright as well, so that changing both files the same wrong way still fails.
    const { connector } = await connectObjects();
    expect(Object.fromEntries(Object.entries(connector.config).map(([k, v]) => [k, asConnectString(v)]))).toMatchObject({
      'topics': 'readings.calibrated', 'insert.mode': 'upsert', 'primary.key.mode': 'record_key',
      'primary.key.fields': 'sensor_id,ts', 'delete.enabled': 'true', 'collection.name.format': 'calibrated_readings',
      'schema.evolution': 'none', 'use.time.zone': 'UTC', 'consumer.override.isolation.level': 'read_committed',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'true',
      'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'readings.dlq',
    });
    expect(connector.config).not.toHaveProperty('table.name.format');
    expect(local.config).not.toHaveProperty('table.name.format');
  });
});

describe('the Kafka Connect worker in Kubernetes', () => {
  it('reads the database credentials through a config provider from the mounted CNPG app Secret, never as values', async () => {
    const { connector, connect } = await connectObjects();
    for (const key of ['connection.username', 'connection.password']) {
      expect(local.config[key], `local ${key}`).toMatch(/^\$\{env:KALIBRA_JDBC_\w+\}$/);
      const reference = /^\$\{dir:([^:}]+):([^}]+)\}$/.exec(String(connector.config[key]));
      expect(reference, `k8s ${key}`).not.toBeNull();
      const [, folder, file] = reference!;
      const mount = connect.template.connectContainer.volumeMounts.find((m) => m.mountPath === folder);
      const volume = connect.template.pod.volumes.find((v) => v.name === mount?.name);
      expect(volume?.secret?.secretName).toBe('kalibra-db-app');
      expect(volume?.secret?.items?.map((i) => i.path)).toContain(file);
      expect(String(connect.config['config.providers.dir.param.allowed.paths']).split(',')).toContain(folder);
    }
    expect(connect.config['config.providers.dir.class']).toBe('org.apache.kafka.common.config.provider.DirectoryConfigProvider');
    expect(JSON.stringify(connector.config)).not.toMatch(/password=|:\/\/[^$]*@/);
  });

  it('runs its JVM in UTC, because Debezium reads Connect Timestamps in the JVM zone', async () => {
    const { connect } = await connectObjects();
    expect(connect.jvmOptions?.javaSystemProperties).toContainEqual({ name: 'user.timezone', value: 'UTC' });
    expect(readFileSync(join(repoRoot, 'dev/connect/connect-up'), 'utf8')).toContain('-Duser.timezone=UTC');
  });

  it('allows the connector\'s read_committed override and reads committed records by default too', async () => {
    const { connect } = await connectObjects();
    expect(connect.config).toMatchObject({ 'connector.client.config.override.policy': 'All', 'consumer.isolation.level': 'read_committed' });
  });

  it('builds from Debezium\'s checksummed plugin archive on Maven Central, the version the local stack runs', async () => {
    const { connect } = await connectObjects();
    const localVersion = /<debezium\.version>([^<]+)<\/debezium\.version>/.exec(readFileSync(join(repoRoot, 'dev/connect/plugin/pom.xml'), 'utf8'))![1]!;
    expect(localVersion).toBe('3.6.0.Final');
    const [artifact, ...more] = connect.build.plugins.flatMap((p) => p.artifacts);
    expect(more).toEqual([]);
    expect(artifact).toMatchObject({
      type: 'tgz',
      url: `https://repo1.maven.org/maven2/io/debezium/debezium-connector-jdbc/${localVersion}/debezium-connector-jdbc-${localVersion}-plugin.tar.gz`,
    });
    expect(artifact!.sha512sum).toMatch(/^[0-9a-f]{128}$/);
  });

  it('has its dead-letter topic, and lets the Connect user write it and read as the connector\'s group', async () => {
    const objects = await rendered('k8s/overlays/production-connect');
    const { connector } = await connectObjects();
    const user = one(objects, 'KafkaUser', 'kalibra-connect') as K8sObject & { spec: { authorization: { acls: { resource: { type: string; name?: string }; operations: string[] }[] } } };
    const allows = (type: string, name: string, operation: string): boolean => user.spec.authorization.acls
      .some((a) => a.resource.type === type && a.resource.name === name && a.operations.includes(operation));
    expect(allows('topic', String(connector.config['errors.deadletterqueue.topic.name']), 'Write')).toBe(true);
    expect(find(objects, 'KafkaTopic', String(connector.config['errors.deadletterqueue.topic.name']))).toHaveLength(1);
    expect(allows('topic', 'readings.calibrated', 'Read')).toBe(true);
    expect(allows('group', 'connect-calibrated-readings-jdbc-sink', 'Read')).toBe(true);
  });

  it('replaces the calibrated sink, which keeps its Deployment with no pods', async () => {
    const objects = await rendered('k8s/overlays/production-connect');
    expect((one(objects, 'Deployment', 'kalibra-sink-calibrated').spec as { replicas: number }).replicas).toBe(0);
  });
});

describe('the calibrator under the Kafka Connect component', () => {
  it('writes Connect JSON, the format the JDBC sink reads (else every record lands in its dead-letter topic)', async () => {
    const objects = await rendered('k8s/overlays/production-connect');
    type PodTemplate = { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    const calibrator = one(objects, 'StatefulSet', 'kalibra-calibrator').spec as PodTemplate;
    expect(calibrator.template.spec.containers[0]!.env).toContainEqual({ name: 'KALIBRA_OUTPUT_FORMAT', value: 'connect-json' });
    const plain = one(await rendered('k8s/overlays/production'), 'StatefulSet', 'kalibra-calibrator').spec as PodTemplate;
    expect(plain.template.spec.containers[0]!.env.map((e) => e.name)).not.toContain('KALIBRA_OUTPUT_FORMAT');
  });
});
