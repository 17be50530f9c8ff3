// `dev/k8s/check [--schemas <dir>]`: renders every k8s/ target and validates every object, the
// same checks CI runs in test/unit/k8s. Prints each problem on one line, then how many objects
// of each kind were checked. Exit 1 on any problem, including an object it has no schema for.
import { loadCrdValidators, vendoredSchemasDir } from './crd-schemas.ts';
import { renderKustomization, renderTargets } from './render.ts';
import { uncheckedByDesign, validateManifests } from './validate.ts';

function add(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [type, n] of from) into.set(type, (into.get(type) ?? 0) + n);
}

function table(counts: ReadonlyMap<string, number>): string {
  const width = Math.max(...[...counts.keys()].map((type) => type.length));
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `  ${type.padEnd(width)}  ${n}\n`).join('');
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`Usage: dev/k8s/check [--schemas <dir>]\n\nRenders ${renderTargets.join(', ')} with kubectl kustomize and
validates every object: built-in kinds against the Kubernetes schemas (kubernetes-models), custom
resources against the CRDs in --schemas (default dev/k8s/schemas, the vendored Strimzi and CNPG CRDs).
An object of a kind with no schema fails the check.\n`);
    return 0;
  }
  const at = args.indexOf('--schemas');
  const dir = at < 0 ? vendoredSchemasDir : args[at + 1];
  if (dir === undefined) {
    process.stderr.write('dev/k8s/check: --schemas needs a folder\n');
    return 2;
  }
  const crds = loadCrdValidators(dir);
  const checked = new Map<string, number>();
  const unchecked = new Map<string, number>();
  let problems = 0;
  for (const target of renderTargets) {
    const objects = await renderKustomization(target);
    const result = validateManifests(target, objects, crds);
    for (const line of result.errors) process.stdout.write(`${line}\n`);
    const n = [...result.checked.values()].reduce((sum, k) => sum + k, 0);
    process.stdout.write(`${target}: ${objects.length} objects, ${n} schema-checked, ${result.errors.length} problems\n`);
    add(checked, result.checked);
    add(unchecked, result.unchecked);
    problems += result.errors.length;
  }
  process.stdout.write(`\nobjects checked against a schema, by kind (all targets, CRDs from ${crds.dir}):\n${table(checked)}`);
  if (unchecked.size > 0) {
    process.stdout.write(`\nNOT checked, no schema (each fails the check; see the lines above for how to provide one):\n${table(unchecked)}`);
  }
  process.stdout.write(`\nnot checked by any schema here: ${uncheckedByDesign.join('; ')}\n`);
  process.stdout.write(problems === 0 ? '\nk8s check passed\n' : `\nk8s check FAILED: ${problems} problems\n`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`dev/k8s/check: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
