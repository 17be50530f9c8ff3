// Renders each k8s/ target once per test file (kubectl kustomize takes a second or two).
import { renderKustomization } from '../../../dev/k8s/render.ts';
import type { K8sObject } from '../../../dev/k8s/render.ts';

const cache = new Map<string, Promise<K8sObject[]>>();

/** A fresh deep copy each call, so a test may mutate what it gets. */
export async function rendered(target: string): Promise<K8sObject[]> {
  if (!cache.has(target)) cache.set(target, renderKustomization(target));
  return structuredClone(await cache.get(target)!);
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

export function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const [found, ...more] = find(objects, kind, name);
  if (found === undefined || more.length > 0) throw new Error(`expected exactly one ${kind} ${name}`);
  return found;
}
