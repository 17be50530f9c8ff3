// `bin/node24 node dev/k8s/sync-profiles.ts [--check]`: makes the file list of the
// profiles ConfigMap (k8s/profiles/kustomization.yaml) equal to calibration-profiles/*.yaml.
// Kustomize has no globs, so without this a new profile would silently not be deployed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { repoRoot } from './render.ts';

export const profilesKustomization = join(repoRoot, 'k8s', 'profiles', 'kustomization.yaml');
const fromKustomization = '../../calibration-profiles/';

/** The profile files in calibration-profiles/, as the kustomization must list them. */
export function profileFiles(dir: string = join(repoRoot, 'calibration-profiles')): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => `${fromKustomization}${name}`);
}

/** The files the profiles ConfigMap generator lists now. */
export function listedProfileFiles(text: string = readFileSync(profilesKustomization, 'utf8')): string[] {
  const doc = parseDocument(text).toJS() as { configMapGenerator?: { files?: string[] }[] };
  return doc.configMapGenerator?.[0]?.files ?? [];
}

export function syncedKustomization(text: string, files: string[]): string {
  const doc = parseDocument(text);
  doc.setIn(['configMapGenerator', 0, 'files'], doc.createNode(files));
  return doc.toString();
}

function main(): number {
  const wanted = profileFiles();
  const text = readFileSync(profilesKustomization, 'utf8');
  const listed = listedProfileFiles(text);
  if (JSON.stringify(listed) === JSON.stringify(wanted)) {
    process.stdout.write(`k8s/profiles lists all ${wanted.length} profiles\n`);
    return 0;
  }
  if (process.argv.includes('--check')) {
    process.stdout.write(`k8s/profiles is out of date: listed ${listed.length}, calibration-profiles has ${wanted.length}\n`);
    return 1;
  }
  writeFileSync(profilesKustomization, syncedKustomization(text, wanted));
  process.stdout.write(`k8s/profiles now lists ${wanted.length} profiles\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
