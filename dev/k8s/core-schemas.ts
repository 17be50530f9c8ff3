// Validators for the built-in Kubernetes kinds k8s/ uses, from the kubernetes-models
// package (the Kubernetes OpenAPI schemas compiled for ajv), plus the Prometheus Operator's
// PodMonitor and PrometheusRule from @kubernetes-models/prometheus-operator. A kind not
// listed here is reported, never passed: add it here when k8s/ starts using it.
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';

interface Validatable { validate(): void }
type ModelClass = new (data: unknown) => Validatable;

// Loaded by name through require, not imported: the packages' type declarations are
// thousands of files, and importing them would slow every type-aware lint of the project.
const require = createRequire(import.meta.url);
const modelModules: Readonly<Record<string, string>> = {
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'apps/v1/StatefulSet': 'kubernetes-models/apps/v1/StatefulSet',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  'rbac.authorization.k8s.io/v1/Role': 'kubernetes-models/rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding',
  'monitoring.coreos.com/v1/PodMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor',
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
};

function model(type: string): ModelClass | undefined {
  const specifier = modelModules[type];
  if (specifier === undefined) return undefined;
  const kind = type.split('/').pop()!;
  return (require(specifier) as Record<string, ModelClass>)[kind];
}

/** Kinds that are not namespaced (everything else must carry metadata.namespace). */
export const clusterScopedKinds: ReadonlySet<string> = new Set(['v1/Namespace']);

export function hasCoreSchema(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in modelModules;
}

/** The schema errors of a built-in object (empty when valid); undefined if its kind is unknown here. */
export function coreSchemaErrors(object: { apiVersion: string; kind: string }): ErrorObject[] | undefined {
  const Model = model(`${object.apiVersion}/${object.kind}`);
  if (Model === undefined) return undefined;
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (errors === undefined) throw error;
    return errors;
  }
}
