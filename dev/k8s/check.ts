// `node --import tsx dev/k8s/check.ts`: renders every k8s/ target and validates it, the
// same checks CI runs in test/unit/k8s. Prints each problem on one line; exit 1 on any.
import { crdSchemasDir, loadCrdValidators } from './crd-schemas.ts';
import { renderKustomization, renderTargets } from './render.ts';
import { uncheckedByDesign, validateManifests } from './validate.ts';

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`Usage: node --import tsx dev/k8s/check.ts\n\nRenders ${renderTargets.join(', ')} with kubectl kustomize and\nvalidates every object (Kubernetes schemas, Strimzi/CNPG CRDs from the folder KALIBRA_K8S_SCHEMAS names).\n`);
    return 0;
  }
  const dir = crdSchemasDir();
  const crds = loadCrdValidators(dir);
  if (crds === undefined) {
    process.stdout.write(`CRD schemas not found at ${dir} (set KALIBRA_K8S_SCHEMAS): Strimzi and CNPG resources are NOT schema-checked\n`);
  }
  let failed = false;
  for (const target of renderTargets) {
    const result = validateManifests(target, await renderKustomization(target), crds);
    for (const line of [...result.errors, ...result.skipped]) process.stdout.write(`${line}\n`);
    process.stdout.write(`${target}: ${result.checked} objects schema-checked, ${result.errors.length} problems, ${result.skipped.length} skipped\n`);
    failed ||= result.errors.length > 0;
  }
  process.stdout.write(`not checked by any schema here: ${uncheckedByDesign.join('; ')}\n`);
  return failed ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`dev/k8s/check: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
