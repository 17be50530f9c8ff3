import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadCrdValidators, vendoredSchemasDir } from '../../../dev/k8s/crd-schemas.ts';
import { renderTargets } from '../../../dev/k8s/render.ts';
import { validateManifests } from '../../../dev/k8s/validate.ts';
import { one, rendered } from './rendered.ts';

// The CRDs vendored in the repository: always there, so nothing below is ever skipped.
const crds = loadCrdValidators();

/** A schemas folder with only the vendored `files` (the large CRDs take seconds to compile), removed when the test ends. */
function schemasWith(...files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalibra-k8s-schemas-'));
  onTestFinished(() => { rmSync(dir, { recursive: true, force: true }); });
  for (const file of files) cpSync(join(vendoredSchemasDir, file), join(dir, file));
  return dir;
}

function kinds(objects: readonly { apiVersion: string; kind: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(`${o.apiVersion} ${o.kind}`, (counts.get(`${o.apiVersion} ${o.kind}`) ?? 0) + 1);
  return counts;
}

describe('k8s manifests', () => {
  it.each(renderTargets)('%s renders and every object passes its schema and the project rules', async (target) => {
    const objects = await rendered(target);
    const result = validateManifests(target, objects, crds);
    expect(result.errors).toEqual([]);
    expect(result.unchecked.size).toBe(0);
    expect(new Map([...result.checked].sort())).toEqual(new Map([...kinds(objects)].sort()));
  });

  it('has a schema for every Strimzi and CNPG kind, and vendors none that k8s/ does not use', async () => {
    const used = new Set<string>();
    for (const target of renderTargets) for (const type of kinds(await rendered(target)).keys()) used.add(type.replace(' ', '/'));
    const vendored = [...crds.byType.keys()];
    expect(vendored.filter((type) => !used.has(type))).toEqual([]);
    expect(vendored.sort()).toEqual([
      'kafka.strimzi.io/v1/Kafka', 'kafka.strimzi.io/v1/KafkaConnect', 'kafka.strimzi.io/v1/KafkaConnector',
      'kafka.strimzi.io/v1/KafkaNodePool', 'kafka.strimzi.io/v1/KafkaTopic', 'kafka.strimzi.io/v1/KafkaUser',
      'postgresql.cnpg.io/v1/Cluster',
    ]);
  });

  it('names the resource and the field when a built-in object has a wrong type', async () => {
    const objects = await rendered('k8s/overlays/dev');
    const deployment = one(objects, 'StatefulSet', 'kalibra-calibrator') as { spec: { replicas: unknown } } & typeof objects[number];
    deployment.spec.replicas = 'two';
    const { errors } = validateManifests('dev', [deployment], crds);
    expect(errors).toEqual(['dev: StatefulSet kalibra/kalibra-calibrator: spec.replicas: must be integer']);
  });

  it('names the resource and the field when a custom resource has a misspelled or wrong field', async () => {
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

  it('names the resource and the field when a KafkaTopic field has the wrong type', async () => {
    const objects = await rendered('k8s/overlays/dev');
    const topic = one(objects, 'KafkaTopic', 'readings.raw') as { spec: Record<string, unknown> } & typeof objects[number];
    topic.spec.replicas = '3';
    const result = validateManifests('dev', [topic], crds);
    expect(result.errors).toEqual(['dev: KafkaTopic kalibra/readings.raw: spec.replicas: must be integer']);
    expect(result.checked).toEqual(new Map([['kafka.strimzi.io/v1 KafkaTopic', 1]]));
  });

  it('fails every object whose kind has no schema, naming the kind and how to provide one', async () => {
    const withoutTopics = loadCrdValidators(schemasWith('strimzi-1.2.0/kafkausers.kafka.strimzi.io.json'));
    const objects = (await rendered('k8s/overlays/dev')).filter((o) => o.kind === 'KafkaTopic' || o.kind === 'KafkaUser');
    const result = validateManifests('dev', objects, withoutTopics);
    const topics = objects.filter((o) => o.kind === 'KafkaTopic').map((o) => o.metadata.name).sort();
    expect(topics).toHaveLength(4);
    expect([...result.errors].sort()).toEqual(topics.map((name) => `dev: KafkaTopic kalibra/${name}: no schema for kafka.strimzi.io/v1 KafkaTopic: `
      + `add the CRD its operator publishes to ${withoutTopics.dir}/<project>-<version>/ with dev/k8s/vendor-crds.ts (see dev/k8s/schemas/README.md)`));
    expect(result.unchecked).toEqual(new Map([['kafka.strimzi.io/v1 KafkaTopic', 4]]));
    expect(result.checked.has('kafka.strimzi.io/v1 KafkaTopic')).toBe(false);
    expect(result.checked.get('kafka.strimzi.io/v1 KafkaUser')).toBe(4);
  });

  it('rejects a kind it has no schema for instead of passing it', () => {
    const { errors, unchecked } = validateManifests('x', [
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'kalibra' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'kalibra' } },
    ], crds);
    expect(errors).toEqual([
      'x: Widget kalibra/w: no schema for example.com/v1 Widget: add the CRD its operator publishes to dev/k8s/schemas/<project>-<version>/ '
        + 'with dev/k8s/vendor-crds.ts (see dev/k8s/schemas/README.md)',
      'x: Pod kalibra/p: no schema for v1 Pod: a built-in kind needs an entry in dev/k8s/core-schemas.ts',
    ]);
    expect(unchecked).toEqual(new Map([['example.com/v1 Widget', 1], ['v1 Pod', 1]]));
  });

  it('fails, never passes, when there is nothing to check or no schemas folder', () => {
    expect(validateManifests('empty', [], crds).errors).toEqual(['empty: rendered no objects']);
    expect(() => loadCrdValidators('/nonexistent/k8s-schemas')).toThrow(expect.objectContaining({
      code: 'SCHEMAS_MISSING', message: expect.stringContaining('/nonexistent/k8s-schemas does not exist') as unknown,
    }));
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
