// Validators for custom resources (Strimzi, CloudNativePG), compiled with ajv from the
// published CRDs vendored in dev/k8s/schemas/<project>-<version>/ (see the README there).
// A folder that is not there is an error, never "nothing to check".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { K8sToolError } from './errors.ts';
import { repoRoot } from './render.ts';

/** Where the published CRDs live in the repository, one folder per project and version. */
export const vendoredSchemasDir = join(repoRoot, 'dev', 'k8s', 'schemas');

type Schema = Record<string, unknown>;

/**
 * Makes an OpenAPI v3 structural schema behave as the API server does with strict field
 * validation: an object with declared properties rejects unknown fields unless it says
 * x-kubernetes-preserve-unknown-fields; int-or-string and nullable become JSON Schema.
 * CEL rules (x-kubernetes-validations) cannot be evaluated here and are dropped.
 */
export function toStrictJsonSchema(node: unknown, inBranch = false): unknown {
  if (Array.isArray(node)) return node.map((item) => toStrictJsonSchema(item, inBranch));
  if (node === null || typeof node !== 'object') return node;
  const source = node as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'description' || key === 'default') continue;
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, sub]) => [name, toStrictJsonSchema(sub, inBranch)]));
    } else {
      // Inside anyOf/oneOf/allOf/not, a structural schema only states value rules (e.g.
      // "certificate or pattern"): the fields themselves are declared outside, so no closing there.
      out[key] = toStrictJsonSchema(value, inBranch || ['anyOf', 'oneOf', 'allOf', 'not'].includes(key));
    }
  }
  if (source['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    if (out.anyOf === undefined) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (source.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (!inBranch && source.properties !== undefined && source.additionalProperties === undefined
    && source['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

export interface CrdValidators {
  /** `group/version/Kind` -> validator of the whole object. */
  readonly byType: ReadonlyMap<string, ValidateFunction>;
  /** The folder they came from, as a finding names it (relative to the repository when inside). */
  readonly dir: string;
}

/** CRD files: the vendored one-line JSON, or a CRD YAML file as the project publishes it. */
function crdFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return crdFiles(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

function shown(dir: string): string {
  const inRepo = relative(repoRoot, dir);
  return inRepo.startsWith('..') ? dir : inRepo;
}

interface Crd {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: unknown } }[] };
}

/** Compiles every CRD version under `dir` (by default the vendored ones); throws if `dir` is not there. */
export function loadCrdValidators(dir: string = vendoredSchemasDir): CrdValidators {
  if (!existsSync(dir)) {
    throw new K8sToolError('SCHEMAS_MISSING',
      `the CRD schemas folder ${shown(dir)} does not exist (the project's own are in dev/k8s/schemas: see the README there)`);
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  const byType = new Map<string, ValidateFunction>();
  for (const file of crdFiles(dir)) {
    let docs: unknown[];
    try {
      docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
    } catch (error) {
      throw new K8sToolError('SCHEMA_INVALID', `${shown(file)}: neither YAML nor JSON`, { cause: error });
    }
    for (const doc of docs) {
      const crd = doc as Crd | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema === undefined) continue;
        try {
          byType.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(toStrictJsonSchema(schema) as Schema));
        } catch (error) {
          throw new K8sToolError('SCHEMA_INVALID', `${shown(file)}: ${crd.spec.names.kind} ${version.name} does not compile`, { cause: error });
        }
      }
    }
  }
  return { byType, dir: shown(dir) };
}

/** One readable line per ajv error: the field as a dotted path, and what is wrong with it. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const e of errors ?? []) {
    // anyOf/oneOf summaries repeat what the branches already said.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const field = (extra?: string): string => [...path, ...(extra === undefined ? [] : [extra])]
      .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') {
      lines.add(`${field(String(params.additionalProperty))}: unknown field`);
    } else if (e.keyword === 'required') {
      lines.add(`${field(String(params.missingProperty))}: required field is missing`);
    } else if (e.keyword === 'enum') {
      lines.add(`${field()}: ${e.message ?? 'invalid'} (${(params.allowedValues as unknown[]).map(String).join(', ')})`);
    } else {
      lines.add(`${field()}: ${e.message ?? e.keyword}`);
    }
  }
  return [...lines];
}
