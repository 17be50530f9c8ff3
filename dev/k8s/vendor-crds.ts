// `bin/node24 node dev/k8s/vendor-crds.ts <project>-<version> <url>... [--from <dir>]`:
// copies published CustomResourceDefinitions into dev/k8s/schemas/<project>-<version>/ as the
// data dev/k8s/check.ts validates against. Each CRD is kept as published except that its
// `description` fields are removed (the validator never reads them; they are four fifths of
// the bytes) and it is written as one line of JSON, named by the CRD, with its source URL
// and that change noted in its annotations. `--from <dir>` reads `<dir>/<file name of the
// url>` instead of downloading it (for files already fetched, or offline).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { vendoredSchemasDir } from './crd-schemas.ts';

export const sourceAnnotation = 'kalibra/vendored-from';
export const changesAnnotation = 'kalibra/vendored-changes';
const changes = 'description fields removed by dev/k8s/vendor-crds.ts; otherwise as published';

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { group: string; names: unknown; scope: unknown; versions: { name: string; served?: boolean; storage?: boolean; schema?: unknown }[] };
}

function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Record<string, unknown>)
    // A property *named* description (inside `properties`) is a field, not a comment: keep it.
    .filter(([key, value]) => key !== 'description' || typeof value !== 'string')
    .map(([key, value]) => [key, withoutDescriptions(value)]));
}

/** The CRDs of one published file, reduced to what validation needs, with their source noted. */
export function vendoredCrds(text: string, source: string): Crd[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as Crd | null)
    .filter((doc): doc is Crd => doc?.kind === 'CustomResourceDefinition')
    .map((crd) => ({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: { name: crd.metadata.name, annotations: { [sourceAnnotation]: source, [changesAnnotation]: changes } },
      spec: {
        group: crd.spec.group,
        names: crd.spec.names,
        scope: crd.spec.scope,
        versions: crd.spec.versions.map((v) => ({ name: v.name, served: v.served, storage: v.storage, schema: withoutDescriptions(v.schema) })),
      },
    }));
}

async function published(url: string, from: string | undefined): Promise<string> {
  if (from !== undefined) return readFileSync(join(from, basename(new URL(url).pathname)), 'utf8');
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

async function main(args: string[]): Promise<number> {
  const fromAt = args.indexOf('--from');
  const from = fromAt < 0 ? undefined : args[fromAt + 1];
  const [folder, ...urls] = fromAt < 0 ? args : [...args.slice(0, fromAt), ...args.slice(fromAt + 2)];
  if (folder === undefined || !/^[a-z0-9-]+-\d[\w.-]*$/.test(folder) || urls.length === 0 || (fromAt >= 0 && from === undefined)) {
    process.stderr.write('usage: bin/node24 node dev/k8s/vendor-crds.ts <project>-<version> <url>... [--from <dir>]\n');
    return 2;
  }
  const dir = join(vendoredSchemasDir, folder);
  mkdirSync(dir, { recursive: true });
  for (const url of urls) {
    for (const crd of vendoredCrds(await published(url, from), url)) {
      const json = `${JSON.stringify(crd)}\n`;
      writeFileSync(join(dir, `${crd.metadata.name}.json`), json);
      process.stdout.write(`${folder}/${crd.metadata.name}.json: ${json.length} bytes\n`);
    }
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`dev/k8s/vendor-crds: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
