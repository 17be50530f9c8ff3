// Validators for the built-in Kubernetes kinds k8s/ uses, from the kubernetes-models
// package (the Kubernetes OpenAPI schemas compiled for ajv), plus the Prometheus Operator's
// PodMonitor from @kubernetes-models/prometheus-operator. A kind not listed here is
// reported as unvalidated rather than passed: add it when k8s/ starts using it.
import type { ErrorObject } from 'ajv';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';

interface Validatable { validate(): void }
type ModelClass = new (data: never) => Validatable;

const models: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ['v1/Namespace', Namespace],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Secret', Secret],
  ['v1/Service', Service],
  ['v1/ServiceAccount', ServiceAccount],
  ['apps/v1/Deployment', Deployment],
  ['batch/v1/Job', Job],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
  ['networking.k8s.io/v1/NetworkPolicy', NetworkPolicy],
  ['rbac.authorization.k8s.io/v1/Role', Role],
  ['rbac.authorization.k8s.io/v1/RoleBinding', RoleBinding],
  ['monitoring.coreos.com/v1/PodMonitor', PodMonitor],
]);

/** Kinds that are not namespaced (everything else must carry metadata.namespace). */
export const clusterScopedKinds: ReadonlySet<string> = new Set(['v1/Namespace']);

export function hasCoreSchema(apiVersion: string, kind: string): boolean {
  return models.has(`${apiVersion}/${kind}`);
}

/** The schema errors of a built-in object (empty when valid); undefined if its kind is unknown here. */
export function coreSchemaErrors(object: { apiVersion: string; kind: string }): ErrorObject[] | undefined {
  const Model = models.get(`${object.apiVersion}/${object.kind}`);
  if (Model === undefined) return undefined;
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (errors === undefined) throw error;
    return errors;
  }
}
