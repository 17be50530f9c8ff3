// Connect mode in Kubernetes (k8s/components/connect-mode, rendered through
// k8s/overlays/production-connect-mode) against what was proven locally on a real worker:
// connectors/kafka-connect/raw-jdbc-sink.json, dev/connect/worker.properties, and the
// calibrator's Connect-mode options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../dev/k8s/render.ts';
import type { K8sObject } from '../../../dev/k8s/render.ts';
import { find, one, rendered } from './rendered.ts';

const TARGET = 'k8s/overlays/production-connect-mode';
const local = JSON.parse(readFileSync(join(repoRoot, 'connectors/kafka-connect/raw-jdbc-sink.json'), 'utf8')) as { name: string; config: Record<string, string> };

/** Keys of the local config that may differ in Kubernetes, and why (as in kafka-connect.test.ts). */
const allowedToDiffer: Record<string, string> = {
  'connector.class': 'spec.class in a KafkaConnector (compared below)',
  'tasks.max': 'spec.tasksMax',
  'connection.url': 'the local worker gets it from its environment, Kubernetes names the CNPG service',
  'connection.username': 'a config provider either way',
  'connection.password': 'a config provider either way',
  'errors.deadletterqueue.topic.replication.factor': '1 on the one-broker local stack, the broker default (-1) in Kubernetes',
};

interface Connector { class: string; tasksMax: number; config: Record<string, unknown> }
interface Acl { resource: { type: string; name?: string; patternType?: string }; operations: string[] }
interface Container { name: string; args?: string[]; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }
interface PodSpec { containers: Container[]; initContainers?: Container[]; volumes: { name: string; secret?: { secretName: string } }[] }

const asConnectString = (value: unknown): string | undefined => value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
const acls = (objects: K8sObject[], user: string): Acl[] => (one(objects, 'KafkaUser', user).spec as { authorization: { acls: Acl[] } }).authorization.acls;
const allows = (list: Acl[], type: string, name: string, operation: string): boolean =>
  list.some((a) => a.resource.type === type && a.resource.name === name && a.operations.includes(operation));
const calibratorPod = (objects: K8sObject[]): PodSpec => (one(objects, 'StatefulSet', 'kalibra-calibrator').spec as { template: { spec: PodSpec } }).template.spec;
const env = (container: Container, name: string): string | undefined => container.env?.find((e) => e.name === name)?.value;

describe('the raw KafkaConnector agrees with connectors/kafka-connect/raw-jdbc-sink.json', () => {
  it('has every setting of the local config with the same value, except the listed ones, and nothing more', async () => {
    const connector = one(await rendered(TARGET), 'KafkaConnector', 'raw-readings-jdbc-sink').spec as Connector;
    const mustMatch = Object.keys(local.config).filter((key) => !(key in allowedToDiffer));
    expect(Object.fromEntries(mustMatch.map((key) => [key, asConnectString(connector.config[key])])))
      .toEqual(Object.fromEntries(mustMatch.map((key) => [key, local.config[key]])));
    expect(connector.class).toBe(local.config['connector.class']);
    expect(Object.keys(connector.config).filter((key) => !(key in local.config))).toEqual([]);
    expect(String(connector.config['connection.password'])).toMatch(/^\$\{dir:/);
  });

  it('lands readings.raw in raw_readings by upsert on (sensor_id, ts) from the value, dead letters on readings.dlq', () => {
    expect(local.config).toMatchObject({
      'topics': 'readings.raw', 'collection.name.format': 'raw_readings', 'insert.mode': 'upsert', 'primary.key.mode': 'record_value',
      'primary.key.fields': 'sensor_id,ts', 'schema.evolution': 'none', 'consumer.override.isolation.level': 'read_committed',
      'errors.tolerance': 'all', 'errors.deadletterqueue.topic.name': 'readings.dlq', 'errors.deadletterqueue.context.headers.enable': 'true',
    });
  });
});

describe('k8s/components/connect-mode', () => {
  it('runs two KafkaConnectors, both sending dead letters to readings.dlq, and none of our sinks', async () => {
    const objects = await rendered(TARGET);
    const connectors = find(objects, 'KafkaConnector').map((c) => [c.metadata.name, (c.spec as Connector).config['topics'], (c.spec as Connector).config['errors.deadletterqueue.topic.name']]);
    expect(connectors.sort()).toEqual([['calibrated-readings-jdbc-sink', 'readings.calibrated', 'readings.dlq'], ['raw-readings-jdbc-sink', 'readings.raw', 'readings.dlq']]);
    for (const name of ['kalibra-sink-raw', 'kalibra-sink-calibrated']) {
      expect(find(objects, 'Deployment', name), name).toEqual([]);
      expect(find(objects, 'PodDisruptionBudget', name), name).toEqual([]);
      expect(find(objects, 'KafkaUser', name), name).toEqual([]);
    }
    expect(find(objects, 'Deployment')).toEqual([]);
    expect(find(objects, 'PodDisruptionBudget').map((b) => b.metadata.name)).toEqual(['kalibra-calibrator']);
  });

  it('sets the calibrator\'s gate to the raw connector\'s consumer group and its output to Connect JSON', async () => {
    const objects = await rendered(TARGET);
    const calibrator = calibratorPod(objects).containers[0]!;
    expect(env(calibrator, 'KALIBRA_GATE_MODE')).toBe('connect');
    expect(env(calibrator, 'KALIBRA_GATE_CONNECT_GROUP')).toBe('connect-raw-readings-jdbc-sink');
    expect(env(calibrator, 'KALIBRA_OUTPUT_FORMAT')).toBe('connect-json');
    expect(find(objects, 'KafkaConnector', 'raw-readings-jdbc-sink')).toHaveLength(1);
    // OffsetFetch needs Describe on the group; the calibrator already describes readings.raw.
    const calibratorAcls = acls(objects, 'kalibra-calibrator');
    expect(allows(calibratorAcls, 'group', 'connect-raw-readings-jdbc-sink', 'Describe')).toBe(true);
    expect(allows(calibratorAcls, 'topic', 'readings.raw', 'Describe')).toBe(true);
  });

  it('lets the Connect user read both topics as the connectors\' groups and write readings.dlq', async () => {
    const connect = acls(await rendered(TARGET), 'kalibra-connect');
    for (const [topic, group] of [['readings.raw', 'connect-raw-readings-jdbc-sink'], ['readings.calibrated', 'connect-calibrated-readings-jdbc-sink']]) {
      expect(allows(connect, 'topic', topic!, 'Read'), topic).toBe(true);
      expect(allows(connect, 'group', group!, 'Read'), group).toBe(true);
    }
    expect(allows(connect, 'topic', 'readings.dlq', 'Write')).toBe(true);
  });

  it('commits the connectors\' offsets as often as the local worker does (the wait at the gate)', async () => {
    const connect = one(await rendered(TARGET), 'KafkaConnect', 'kalibra-connect').spec as { config: Record<string, unknown> };
    const localValue = /^offset\.flush\.interval\.ms=(\d+)$/m.exec(readFileSync(join(repoRoot, 'dev/connect/worker.properties'), 'utf8'))![1];
    expect(String(connect.config['offset.flush.interval.ms'])).toBe(localValue);
    expect(Number(localValue)).toBeLessThanOrEqual(1_000);
  });

  it('creates the tables before the calibrator starts: an init container applies the migrations and exits', async () => {
    const pod = calibratorPod(await rendered(TARGET));
    const [migrate, ...more] = pod.initContainers ?? [];
    expect(more).toEqual([]);
    expect(migrate!.args).toEqual(['/app/bin/sink', '--mapping', 'raw', '--migrate-only']);
    const file = env(migrate!, 'DATABASE_URL_FILE')!;
    const mount = migrate!.volumeMounts!.find((m) => file.startsWith(`${m.mountPath}/`));
    expect(pod.volumes.find((v) => v.name === mount?.name)?.secret?.secretName).toBe('kalibra-db-app');
  });

  it('leaves the plain production overlay in Postgres-gate mode with our sinks', async () => {
    const objects = await rendered('k8s/overlays/production');
    expect(env(calibratorPod(objects).containers[0]!, 'KALIBRA_GATE_MODE')).toBeUndefined();
    expect(find(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['kalibra-sink-calibrated', 'kalibra-sink-raw']);
  });
});
