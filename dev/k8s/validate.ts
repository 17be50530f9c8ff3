// Validates rendered k8s/ objects without a cluster: built-in kinds against the Kubernetes
// schemas, Strimzi and CNPG resources against their CRD schemas, plus the project's own
// rules (a namespace on every namespaced object, no secret in an env value or argument).
// An object it has no schema for is an error that says how to provide one: nothing is skipped.
import { coreSchemaErrors, clusterScopedKinds, hasCoreSchema } from './core-schemas.ts';
import { describeSchemaErrors } from './crd-schemas.ts';
import type { CrdValidators } from './crd-schemas.ts';
import { describeObject } from './render.ts';
import type { K8sObject } from './render.ts';

export interface ValidationResult {
  /** `<target>: <Kind ns/name>: <field>: <problem>`, one per problem; a kind with no schema is one. */
  readonly errors: string[];
  /** `<apiVersion> <Kind>` -> how many objects were checked against its schema. */
  readonly checked: ReadonlyMap<string, number>;
  /** `<apiVersion> <Kind>` -> how many objects had no schema (each is also in `errors`). */
  readonly unchecked: ReadonlyMap<string, number>;
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

/** What to do about a kind that has no schema here, by where its schema would come from. */
function howToProvide(apiVersion: string, kind: string, crds: CrdValidators): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  if (!group.includes('.') || group.endsWith('.k8s.io')) {
    return `no schema for ${apiVersion} ${kind}: a built-in kind needs an entry in dev/k8s/core-schemas.ts`;
  }
  return `no schema for ${apiVersion} ${kind}: add the CRD its operator publishes to ${crds.dir}/<project>-<version>/ `
    + 'with dev/k8s/vendor-crds.ts (see dev/k8s/schemas/README.md)';
}

function count(counts: Map<string, number>, type: string): void {
  counts.set(type, (counts.get(type) ?? 0) + 1);
}

/** Every object is checked against its schema or is an error: nothing is skipped. */
export function validateManifests(target: string, objects: readonly K8sObject[], crds: CrdValidators): ValidationResult {
  const errors: string[] = [];
  const checked = new Map<string, number>();
  const unchecked = new Map<string, number>();
  if (objects.length === 0) errors.push(`${target}: rendered no objects`);
  for (const object of objects) {
    const where = `${target}: ${describeObject(object)}`;
    const type = `${object.apiVersion} ${object.kind}`;
    let problems: string[];
    if (hasCoreSchema(object.apiVersion, object.kind)) {
      problems = describeSchemaErrors(coreSchemaErrors(object));
    } else {
      const validate = crds.byType.get(`${object.apiVersion}/${object.kind}`);
      if (validate === undefined) {
        errors.push(`${where}: ${howToProvide(object.apiVersion, object.kind, crds)}`);
        count(unchecked, type);
        continue;
      }
      validate(object);
      problems = describeSchemaErrors(validate.errors);
    }
    count(checked, type);
    errors.push(...[...problems, ...projectRules(object)].map((p) => `${where}: ${p}`));
  }
  return { errors, checked, unchecked };
}
