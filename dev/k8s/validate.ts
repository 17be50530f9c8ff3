// Validates rendered k8s/ objects without a cluster: built-in kinds against the Kubernetes
// schemas, Strimzi and CNPG resources against their CRD schemas, plus the project's own
// rules (a namespace on every namespaced object, no secret in an env value or argument).
// Whatever it could not check, it says, by resource; it never reports "valid" for a skip.
import { coreSchemaErrors, clusterScopedKinds, hasCoreSchema } from './core-schemas.ts';
import { describeSchemaErrors } from './crd-schemas.ts';
import type { CrdValidators } from './crd-schemas.ts';
import { describeObject } from './render.ts';
import type { K8sObject } from './render.ts';

export interface ValidationResult {
  /** `<target>: <Kind ns/name>: <field>: <problem>`, one per problem. */
  readonly errors: string[];
  /** Resources whose schema check could not run, and why. */
  readonly skipped: string[];
  /** How many objects were checked against a schema. */
  readonly checked: number;
}

/** What no schema here covers; printed by dev/k8s/check.ts so nobody assumes otherwise. */
export const uncheckedByDesign = [
  'unknown fields in built-in kinds (the Kubernetes OpenAPI schemas do not close objects; only a server with --validate=strict catches them)',
  'CEL rules (x-kubernetes-validations) in the Strimzi and CNPG CRDs',
  'references between objects (Secret and ConfigMap names, label selectors) beyond the tests in test/unit/k8s',
] as const;

const secretName = /PASSWORD|SECRET|TOKEN|DATABASE_URL$|_KEY$/;
const secretValue = /:\/\/[^/\s:@]+:[^@\s]+@/; // user:password@ in a URL

interface Container { name?: string; args?: unknown[]; command?: unknown[]; env?: { name: string; value?: unknown }[] }

function containersOf(object: K8sObject): Container[] {
  const spec = object.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } | undefined;
  const pod = spec?.template?.spec;
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])];
}

function projectRules(object: K8sObject): string[] {
  const problems: string[] = [];
  const type = `${object.apiVersion}/${object.kind}`;
  if (!clusterScopedKinds.has(type) && object.metadata.namespace === undefined) {
    problems.push('metadata.namespace: missing (kubectl would put it in whatever namespace the context has)');
  }
  for (const container of containersOf(object)) {
    for (const env of container.env ?? []) {
      if (secretName.test(env.name) && !env.name.endsWith('_FILE') && env.value !== undefined) {
        problems.push(`container ${container.name ?? '?'}: env ${env.name}: a secret as a plain value; mount it and use ${env.name}_FILE`);
      }
    }
    for (const arg of [...(container.command ?? []), ...(container.args ?? [])]) {
      if (typeof arg === 'string' && (secretValue.test(arg) || /password/i.test(arg))) {
        problems.push(`container ${container.name ?? '?'}: a secret on the command line ('${arg.slice(0, 20)}...')`);
      }
    }
  }
  return problems;
}

export function validateManifests(target: string, objects: readonly K8sObject[], crds: CrdValidators | undefined): ValidationResult {
  const errors: string[] = [];
  const skipped: string[] = [];
  let checked = 0;
  for (const object of objects) {
    const where = `${target}: ${describeObject(object)}`;
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
    let problems: string[];
    if (hasCoreSchema(object.apiVersion, object.kind)) {
      problems = describeSchemaErrors(coreSchemaErrors(object));
      checked += 1;
    } else if (crds === undefined) {
      skipped.push(`${where}: schema not checked (no CRD schemas folder)`);
      problems = [];
    } else {
      const validate = crds.byType.get(`${object.apiVersion}/${object.kind}`);
      if (validate === undefined) {
        const why = crds.groups.has(group) ? `${object.apiVersion} ${object.kind} is not in the CRDs of ${crds.dir}` : `no schema known for ${object.apiVersion} ${object.kind}`;
        errors.push(`${where}: ${why}`);
        continue;
      }
      validate(object);
      problems = describeSchemaErrors(validate.errors);
      checked += 1;
    }
    errors.push(...[...problems, ...projectRules(object)].map((p) => `${where}: ${p}`));
  }
  return { errors, skipped, checked };
}
