import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../dev/k8s/render.js';
import { find, one, rendered } from './rendered.js';

interface Probe { httpGet?: { path: string; port: string | number } }
interface Container {
  name: string; args?: string[]; ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[]; envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: Probe; readinessProbe?: Probe; volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number; securityContext?: { runAsNonRoot?: boolean };
  containers: Container[]; volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
type Workload = K8sObject & { spec: { replicas?: number; selector?: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const components = {
  'kalibra-calibrator': { args: ['/app/bin/calibrator'], user: 'kalibra-calibrator', group: 'kalibra-calibrator' },
  'kalibra-sink-raw': { args: ['/app/bin/sink', '--mapping', 'raw'], user: 'kalibra-sink-raw', group: 'kalibra-sink-raw' },
  'kalibra-sink-calibrated': { args: ['/app/bin/sink', '--mapping', 'calibrated'], user: 'kalibra-sink-calibrated', group: 'kalibra-sink-calibrated' },
} as const;

const env = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;

function mountedFile(pod: PodSpec, container: Container, path: string): { secret?: string; configMap?: string } {
  const mount = container.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`) || path === m.mountPath);
  const volume = pod.volumes?.find((v) => v.name === mount?.name);
  return { secret: volume?.secret?.secretName, configMap: volume?.configMap?.name };
}

describe.each(['k8s/overlays/dev', 'k8s/overlays/production'])('Deployments in %s', (target) => {
  it.each(Object.entries(components))('%s runs its command with probes on /healthz and /readyz at port 8080', async (name, expected) => {
    const objects = await rendered(target);
    const deployment = one(objects, 'Deployment', name) as Workload;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(container!.args).toEqual(expected.args);
    expect(container!.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(container!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const config = one(objects, 'ConfigMap', container!.envFrom![0]!.configMapRef!.name);
    expect((config.data as Record<string, string>).KALIBRA_HTTP_PORT).toBe('8080');
  });

  it.each(Object.keys(components))('%s gives a clean shutdown (~10 s) its margin and runs as non-root', async (name) => {
    const pod = (one(await rendered(target), 'Deployment', name) as Workload).spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
    expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(60);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
  });

  it.each(Object.entries(components))('%s reads its Kafka password and the database URL from mounted Secrets it has a user for', async (name, expected) => {
    const objects = await rendered(target);
    const pod = (one(objects, 'Deployment', name) as Workload).spec.template.spec;
    const container = pod.containers[0]!;
    expect(env(container, 'KAFKA_SASL_USERNAME')).toBe(expected.user);
    expect(mountedFile(pod, container, env(container, 'KAFKA_SASL_PASSWORD_FILE')!)).toEqual({ secret: expected.user });
    expect(mountedFile(pod, container, env(container, 'DATABASE_URL_FILE')!)).toEqual({ secret: 'kalibra-db-app' });
    // The user exists, and its ACLs let it use the consumer group the process joins.
    const user = one(objects, 'KafkaUser', expected.user) as K8sObject & { spec: { authorization: { acls: { resource: { type: string; name?: string } }[] } } };
    expect(env(container, 'KALIBRA_GROUP_ID')).toBe(expected.group);
    expect(user.spec.authorization.acls.some((a) => a.resource.type === 'group' && a.resource.name === expected.group)).toBe(true);
  });

  it('has a PodDisruptionBudget for each Deployment', async () => {
    const objects = await rendered(target);
    const budgets = find(objects, 'PodDisruptionBudget') as (K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } })[];
    for (const deployment of find(objects, 'Deployment') as Workload[]) {
      const labels = deployment.spec.template.metadata.labels;
      const selects = (selector: Record<string, string>): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
      expect(budgets.filter((b) => selects(b.spec.selector.matchLabels)), deployment.metadata.name).toHaveLength(1);
    }
  });
});

describe('monitoring', () => {
  it('in production, a PodMonitor scrapes /metrics on the http port of every Deployment\'s pods', async () => {
    const objects = await rendered('k8s/overlays/production');
    const monitor = one(objects, 'PodMonitor', 'kalibra') as K8sObject & { spec: { selector: { matchExpressions: { key: string; operator: string; values: string[] }[] }; podMetricsEndpoints: { port: string; path: string }[] } };
    for (const deployment of find(objects, 'Deployment') as Workload[]) {
      const labels = deployment.spec.template.metadata.labels;
      expect(monitor.spec.selector.matchExpressions.every((e) => e.operator === 'In' && e.values.includes(labels[e.key]!)), deployment.metadata.name).toBe(true);
    }
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });

  it('in dev, needs no Prometheus Operator: there is no PodMonitor', async () => {
    expect(find(await rendered('k8s/overlays/dev'), 'PodMonitor')).toEqual([]);
  });
});

describe('production overlay', () => {
  it('runs three Kafka nodes and sets requests and limits on every Kalibra container', async () => {
    const objects = await rendered('k8s/overlays/production');
    expect((one(objects, 'KafkaNodePool', 'nodes').spec as { replicas: number }).replicas).toBe(3);
    const config = (one(objects, 'Kafka', 'kalibra').spec as { kafka: { config: Record<string, unknown> } }).kafka.config;
    expect(config).toMatchObject({ 'min.insync.replicas': 2, 'default.replication.factor': 3, 'transaction.state.log.min.isr': 2 });
    for (const deployment of find(objects, 'Deployment') as Workload[]) {
      const resources = deployment.spec.template.spec.containers[0]!.resources;
      expect(Object.keys(resources?.requests ?? {}), deployment.metadata.name).toEqual(['cpu', 'memory']);
      expect(resources?.limits?.memory, deployment.metadata.name).toBeDefined();
    }
  });
});

describe('replay Job', () => {
  it('runs bin/replay --from <the request> --yes as the replay user and is in no overlay', async () => {
    const objects = await rendered('k8s/jobs/replay');
    const job = one(objects, 'Job', 'kalibra-replay') as Workload;
    const container = job.spec.template.spec.containers[0]!;
    expect(container.args).toEqual(['/app/bin/replay', '--from', '$(REPLAY_FROM)', '--yes']);
    // Kubernetes expands $(VAR) only for a variable the container defines; else the literal text is passed.
    const from = (container.env?.find((e) => e.name === 'REPLAY_FROM') as { valueFrom?: { configMapKeyRef?: { name: string; key: string } } } | undefined)?.valueFrom?.configMapKeyRef;
    const request = one(objects, 'ConfigMap', from!.name).data as Record<string, string>;
    expect(Number.isNaN(Date.parse(request[from!.key]!))).toBe(false);
    expect(env(container, 'KAFKA_SASL_USERNAME')).toBe('kalibra-replay');
    for (const overlay of ['k8s/overlays/dev', 'k8s/overlays/production', 'k8s/overlays/production-connect']) {
      expect(find(await rendered(overlay), 'Job'), overlay).toEqual([]);
    }
  });
});

describe('kafka-connect component', () => {
  it('replaces the calibrated sink: Connect upserts calibrated_readings on (sensor_id, ts) and the sink has no pods', async () => {
    const objects = await rendered('k8s/overlays/production-connect');
    const connector = one(objects, 'KafkaConnector', 'calibrated-readings-jdbc-sink').spec as { config: Record<string, unknown> };
    expect(connector.config).toMatchObject({
      'topics': 'readings.calibrated', 'insert.mode': 'upsert', 'primary.key.mode': 'record_value',
      'primary.key.fields': 'sensor_id,ts', 'table.name.format': 'calibrated_readings',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': true,
    });
    expect(JSON.stringify(connector.config)).not.toMatch(/password=|:\/\/[^$]*@/);
    expect((one(objects, 'Deployment', 'kalibra-sink-calibrated') as Workload).spec.replicas).toBe(0);
    const connect = one(objects, 'KafkaConnect', 'kalibra-connect').spec as { build: { plugins: { artifacts: Record<string, string>[] }[] }; config: Record<string, unknown> };
    expect(connect.build.plugins[0]!.artifacts[0]).toEqual({ type: 'maven', group: 'io.debezium', artifact: 'debezium-connector-jdbc', version: '3.6.0.Final' });
    expect(connect.config['consumer.isolation.level']).toBe('read_committed');
  });
});
