import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../dev/k8s/render.ts';
import { find, one, rendered } from './rendered.ts';

interface Probe { httpGet?: { path: string; port: string | number } }
interface Container {
  name: string; args?: string[]; ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[]; envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: Probe; readinessProbe?: Probe; volumeMounts?: { name: string; mountPath: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number; securityContext?: { runAsNonRoot?: boolean };
  containers: Container[]; volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
type Workload = K8sObject & { spec: {
  replicas?: number; serviceName?: string; podManagementPolicy?: string;
  selector?: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
} };
interface Acl { resource: { type: string; name?: string; patternType?: string }; operations: string[] }
type User = K8sObject & { spec: { authorization: { acls: Acl[] } } };

// The calibrator is a StatefulSet (stable pod names = stable transactional ids); the sinks
// are Deployments (their exactly-once state is in Postgres, not in Kafka transactions).
const components = {
  'kalibra-calibrator': { kind: 'StatefulSet', args: ['/app/bin/calibrator'], user: 'kalibra-calibrator', group: 'kalibra-calibrator' },
  'kalibra-sink-raw': { kind: 'Deployment', args: ['/app/bin/sink', '--mapping', 'raw'], user: 'kalibra-sink-raw', group: 'kalibra-sink-raw' },
  'kalibra-sink-calibrated': { kind: 'Deployment', args: ['/app/bin/sink', '--mapping', 'calibrated'], user: 'kalibra-sink-calibrated', group: 'kalibra-sink-calibrated' },
} as const;
const workloads = (objects: K8sObject[]): Workload[] => [...find(objects, 'Deployment'), ...find(objects, 'StatefulSet')] as Workload[];

const env = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;

function mountedFile(pod: PodSpec, container: Container, path: string): { secret?: string; configMap?: string } {
  const mount = container.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`) || path === m.mountPath);
  const volume = pod.volumes?.find((v) => v.name === mount?.name);
  return { secret: volume?.secret?.secretName, configMap: volume?.configMap?.name };
}

describe.each(['k8s/overlays/dev', 'k8s/overlays/production', 'k8s/overlays/production-connect'])('workloads in %s', (target) => {
  it.each(Object.entries(components))('%s runs its command with probes on /healthz and /readyz at port 8080', async (name, expected) => {
    const objects = await rendered(target);
    const deployment = one(objects, expected.kind, name) as Workload;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(container!.args).toEqual(expected.args);
    expect(container!.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(container!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const config = one(objects, 'ConfigMap', container!.envFrom![0]!.configMapRef!.name);
    expect((config.data as Record<string, string>).KALIBRA_HTTP_PORT).toBe('8080');
  });

  it.each(Object.entries(components))('%s gives a clean shutdown (~10 s) its margin and runs as non-root', async (name, expected) => {
    const pod = (one(await rendered(target), expected.kind, name) as Workload).spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
    expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(60);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
  });

  it.each(Object.entries(components))('%s reads its Kafka password and the database URL from mounted Secrets it has a user for', async (name, expected) => {
    const objects = await rendered(target);
    const pod = (one(objects, expected.kind, name) as Workload).spec.template.spec;
    const container = pod.containers[0]!;
    expect(env(container, 'KAFKA_SASL_USERNAME')).toBe(expected.user);
    expect(mountedFile(pod, container, env(container, 'KAFKA_SASL_PASSWORD_FILE')!)).toEqual({ secret: expected.user });
    expect(mountedFile(pod, container, env(container, 'DATABASE_URL_FILE')!)).toEqual({ secret: 'kalibra-db-app' });
    // The user exists, and its ACLs let it use the consumer group the process joins.
    const user = one(objects, 'KafkaUser', expected.user) as User;
    expect(env(container, 'KALIBRA_GROUP_ID')).toBe(expected.group);
    expect(user.spec.authorization.acls.some((a) => a.resource.type === 'group' && a.resource.name === expected.group)).toBe(true);
  });

  it('has a PodDisruptionBudget for each Deployment and StatefulSet', async () => {
    const objects = await rendered(target);
    const budgets = find(objects, 'PodDisruptionBudget') as (K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } })[];
    expect(workloads(objects).map((w) => w.metadata.name).sort()).toEqual(Object.keys(components).sort());
    for (const deployment of workloads(objects)) {
      const labels = deployment.spec.template.metadata.labels;
      const selects = (selector: Record<string, string>): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
      expect(budgets.filter((b) => selects(b.spec.selector.matchLabels)), deployment.metadata.name).toHaveLength(1);
    }
  });
});

describe.each(['k8s/overlays/dev', 'k8s/overlays/production', 'k8s/overlays/production-connect'])('the calibrator StatefulSet in %s', (target) => {
  it('takes KALIBRA_INSTANCE_ID from its pod name, so a restarted pod reuses its predecessor\'s transactional id and fences it', async () => {
    const objects = await rendered(target);
    expect(find(objects, 'Deployment', 'kalibra-calibrator')).toEqual([]);
    const container = (one(objects, 'StatefulSet', 'kalibra-calibrator') as Workload).spec.template.spec.containers[0]!;
    const instanceId = container.env?.find((e) => e.name === 'KALIBRA_INSTANCE_ID');
    expect(instanceId).toEqual({ name: 'KALIBRA_INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  });

  it('has a headless governing Service and starts its peers in parallel', async () => {
    const objects = await rendered(target);
    const statefulSet = one(objects, 'StatefulSet', 'kalibra-calibrator') as Workload;
    const service = one(objects, 'Service', statefulSet.spec.serviceName!).spec as { clusterIP: string; selector: Record<string, string> };
    expect(service.clusterIP).toBe('None');
    expect(service.selector).toEqual(statefulSet.spec.selector!.matchLabels);
    expect(statefulSet.spec.podManagementPolicy).toBe('Parallel');
  });

  it('may use exactly the transactional ids its pods produce: <group>-<statefulset>-<ordinal>', async () => {
    const objects = await rendered(target);
    const statefulSet = one(objects, 'StatefulSet', 'kalibra-calibrator') as Workload;
    const group = env(statefulSet.spec.template.spec.containers[0]!, 'KALIBRA_GROUP_ID')!;
    // The runtime's transactional id is `${applicationId}-${instanceId}`; applicationId is the group.
    const ids = Array.from({ length: statefulSet.spec.replicas ?? 1 }, (_, ordinal) => `${group}-${statefulSet.metadata.name}-${ordinal}`);
    const acls = (one(objects, 'KafkaUser', 'kalibra-calibrator') as User).spec.authorization.acls.filter((a) => a.resource.type === 'transactionalId');
    expect(acls).toEqual([{ resource: { type: 'transactionalId', name: `${group}-${statefulSet.metadata.name}-`, patternType: 'prefix' }, operations: ['Write', 'Describe'] }]);
    for (const id of ids) expect(id.startsWith(acls[0]!.resource.name!), id).toBe(true);
  });
});

describe('monitoring', () => {
  it('in production, a PodMonitor scrapes /metrics on the http port of every workload\'s pods', async () => {
    const objects = await rendered('k8s/overlays/production');
    const monitor = one(objects, 'PodMonitor', 'kalibra') as K8sObject & { spec: { selector: { matchExpressions: { key: string; operator: string; values: string[] }[] }; podMetricsEndpoints: { port: string; path: string }[] } };
    for (const deployment of workloads(objects)) {
      const labels = deployment.spec.template.metadata.labels;
      expect(monitor.spec.selector.matchExpressions.every((e) => e.operator === 'In' && e.values.includes(labels[e.key]!)), deployment.metadata.name).toBe(true);
    }
    expect(monitor.spec.podMetricsEndpoints).toMatchObject([{ port: 'http', path: '/metrics', interval: '30s' }]);
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
    for (const deployment of workloads(objects)) {
      const resources = deployment.spec.template.spec.containers[0]!.resources;
      expect(Object.keys(resources?.requests ?? {}), deployment.metadata.name).toEqual(['cpu', 'memory']);
      expect(resources?.limits?.memory, deployment.metadata.name).toBeDefined();
    }
  });
});

describe('replay Job', () => {
  it('runs as a user allowed its transactional id, its state-reader groups and moving the group\'s offsets on raw', async () => {
    const container = (one(await rendered('k8s/jobs/replay'), 'Job', 'kalibra-replay') as Workload).spec.template.spec.containers[0]!;
    const group = env(container, 'KALIBRA_GROUP_ID')!;
    const user = one(await rendered('k8s/overlays/production'), 'KafkaUser', env(container, 'KAFKA_SASL_USERNAME')!) as User;
    const allows = (type: string, name: string, operation: string): boolean => user.spec.authorization.acls.some((a) => a.resource.type === type
      && (a.resource.patternType === 'prefix' ? name.startsWith(a.resource.name!) : a.resource.name === name) && a.operations.includes(operation));
    // Names from topology/core/replay/state-store.ts and start-replay.ts.
    expect(allows('transactionalId', `kalibra-replay-${group}`, 'Write')).toBe(true);
    expect(allows('group', 'kalibra-replay-state-reader-0a1b2c3d', 'Read')).toBe(true);
    expect(allows('group', group, 'Read')).toBe(true);
    expect(allows('topic', 'readings.raw', 'Read')).toBe(true);
  });

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
