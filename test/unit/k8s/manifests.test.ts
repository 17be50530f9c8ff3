import { describe, expect, it } from 'vitest';
import { crdSchemasDir, loadCrdValidators } from '../../../dev/k8s/crd-schemas.ts';
import { renderTargets } from '../../../dev/k8s/render.ts';
import { validateManifests } from '../../../dev/k8s/validate.ts';
import { one, rendered } from './rendered.ts';

const crds = loadCrdValidators();
if (crds === undefined) {
  // Said plainly, not skipped in silence: the CRD checks below do not run.
  console.warn(`CRD schemas not found at ${crdSchemasDir()} (set KALIBRA_K8S_SCHEMAS): `
    + 'Strimzi and CNPG resources are NOT schema-checked; built-in kinds still are');
}

describe('k8s manifests', () => {
  it.each(renderTargets)('%s renders and every object passes its schema and the project rules', async (target) => {
    const objects = await rendered(target);
    const result = validateManifests(target, objects, crds);
    expect(result.errors).toEqual([]);
    expect(result.checked + result.skipped.length).toBe(objects.length);
    if (crds !== undefined) expect(result.skipped).toEqual([]);
  });

  it('names the resource and the field when a built-in object has a wrong type', async () => {
    const objects = await rendered('k8s/overlays/dev');
    const deployment = one(objects, 'StatefulSet', 'kalibra-calibrator') as { spec: { replicas: unknown } } & typeof objects[number];
    deployment.spec.replicas = 'two';
    const { errors } = validateManifests('dev', [deployment], crds);
    expect(errors).toEqual(['dev: StatefulSet kalibra/kalibra-calibrator: spec.replicas: must be integer']);
  });

  it.skipIf(crds === undefined)('names the resource and the field when a custom resource has a misspelled or wrong field', async () => {
    const objects = await rendered('k8s/overlays/production');
    const kafka = one(objects, 'Kafka', 'kalibra') as { spec: { kafka: Record<string, unknown> } } & typeof objects[number];
    kafka.spec.kafka.listners = kafka.spec.kafka.listeners;
    delete kafka.spec.kafka.listeners;
    const topic = one(objects, 'KafkaTopic', 'readings.raw') as { spec: Record<string, unknown> } & typeof objects[number];
    topic.spec.partitions = 0;
    const user = one(objects, 'KafkaUser', 'kalibra-calibrator') as { spec: { authentication: { type: string } } } & typeof objects[number];
    user.spec.authentication.type = 'scram-sha-256';

    const { errors } = validateManifests('production', [kafka, topic, user], crds);
    expect(errors).toEqual([
      'production: Kafka kalibra/kalibra: spec.kafka.listeners: required field is missing',
      'production: Kafka kalibra/kalibra: spec.kafka.listners: unknown field',
      'production: KafkaTopic kalibra/readings.raw: spec.partitions: must be >= 1',
      'production: KafkaUser kalibra/kalibra-calibrator: spec.authentication.type: must be equal to one of the allowed values (tls, tls-external, scram-sha-512)',
    ]);
  });

  it('says which resources it could not check when the CRD schemas are absent', async () => {
    const missing = loadCrdValidators('/nonexistent/k8s-schemas');
    expect(missing).toBeUndefined();
    const objects = await rendered('k8s/overlays/dev');
    const result = validateManifests('dev', objects, missing);
    expect(result.errors).toEqual([]);
    expect(result.skipped).toContain('dev: KafkaTopic kalibra/readings.raw: schema not checked (no CRD schemas folder)');
    expect(result.skipped).toContain('dev: Cluster kalibra/kalibra-db: schema not checked (no CRD schemas folder)');
    expect(result.skipped.some((s) => s.includes('Deployment'))).toBe(false);
  });

  it('rejects a kind it has no schema for instead of passing it', () => {
    const { errors } = validateManifests('x', [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'kalibra' } }], crds);
    expect(errors).toHaveLength(crds === undefined ? 0 : 1);
    if (crds !== undefined) expect(errors[0]).toBe('x: Widget kalibra/w: no schema known for example.com/v1 Widget');
  });

  it('rejects a password as a plain env value and a namespaced object without a namespace', async () => {
    const objects = await rendered('k8s/overlays/dev');
    const deployment = one(objects, 'Deployment', 'kalibra-sink-raw') as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } } & typeof objects[number];
    deployment.spec.template.spec.containers[0]!.env.push({ name: 'KAFKA_SASL_PASSWORD', value: 'hunter2' });
    delete deployment.metadata.namespace;
    const { errors } = validateManifests('dev', [deployment], crds);
    expect(errors).toEqual([
      'dev: Deployment kalibra-sink-raw: metadata.namespace: missing (kubectl would put it in whatever namespace the context has)',
      'dev: Deployment kalibra-sink-raw: container sink-raw: env KAFKA_SASL_PASSWORD: a secret as a plain value; mount it and use KAFKA_SASL_PASSWORD_FILE',
    ]);
  });
});
