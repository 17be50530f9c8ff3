// Errors of the k8s/ manifest tooling (rendering with kustomize, schema validation):
// one class, a closed list of codes, the cause kept.
import { KalibraError } from '../../topology/index.ts';
import type { KalibraErrorOptions } from '../../topology/index.ts';

export const K8sToolErrorCodes = [
  'KUBECTL_MISSING',   // kubectl (which carries kustomize) is not on PATH
  'RENDER_FAILED',     // kustomize refused a kustomization; the message is kustomize's own
  'SCHEMA_INVALID',    // a CRD file could not be read or compiled
  'SCHEMAS_MISSING',   // the CRD schemas folder is not there
  'PROFILES_MISSING',  // the calibration-profiles folder cannot be read
] as const;

export type K8sToolErrorCode = (typeof K8sToolErrorCodes)[number];

export class K8sToolError extends KalibraError<K8sToolErrorCode> {
  constructor(code: K8sToolErrorCode, message: string, options: KalibraErrorOptions = {}) {
    super(code, message, options);
    this.name = 'K8sToolError';
  }
}
