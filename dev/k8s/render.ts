// Renders a kustomization to Kubernetes objects with the kustomize built into kubectl, the
// same build `kubectl apply -k` runs. It never talks to a cluster.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { K8sToolError } from './errors.ts';

const run = promisify(execFile);

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Everything k8s/ can be deployed as; CI renders and validates each. */
export const renderTargets = [
  'k8s/overlays/dev',
  'k8s/overlays/production',
  'k8s/overlays/production-connect',
  'k8s/overlays/production-connect-mode',
  'k8s/jobs/replay',
] as const;

/**
 * `kubectl kustomize --load-restrictor LoadRestrictionsNone <dir>`: the flag is needed
 * because k8s/profiles reads ../../calibration-profiles (kustomize has no other way to
 * include files outside k8s/; see k8s/profiles/kustomization.yaml).
 */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', join(repoRoot, dir)],
      { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new K8sToolError('KUBECTL_MISSING',
        'kubectl is not on PATH: it carries the kustomize that renders k8s/ (install kubectl >= 1.27)', { cause: error });
    }
    throw new K8sToolError('RENDER_FAILED', `kustomize could not render ${dir}: ${(failure.stderr ?? String(error)).trim()}`,
      { cause: error });
  }
  return parseAllDocuments(stdout).map((doc) => doc.toJS() as unknown).filter((o): o is K8sObject => o !== null);
}

/** "Kind namespace/name", how a finding names the resource. */
export function describeObject(object: K8sObject): string {
  const ns = object.metadata.namespace === undefined ? '' : `${object.metadata.namespace}/`;
  return `${object.kind} ${ns}${object.metadata.name}`;
}
