// Validators for custom resources (Strimzi, CloudNativePG), compiled with ajv from the
// unmodified CRD files in the folder KALIBRA_K8S_SCHEMAS names (not part of the repository). Never copies the
// CRDs into the project; when the folder is absent it says so instead of passing quietly.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { K8sToolError } from './errors.ts';
import { repoRoot } from './render.ts';

export function crdSchemasDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KALIBRA_K8S_SCHEMAS ?? join(repoRoot, '..', 'shared', 'k8s-schemas');
}

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
  /** The API groups the folder had CRDs for. */
  readonly groups: ReadonlySet<string>;
  readonly dir: string;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

interface Crd {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: unknown } }[] };
}

/** Compiles every CRD version under `dir`; undefined when the folder does not exist. */
export function loadCrdValidators(dir: string = crdSchemasDir()): CrdValidators | undefined {
  if (!existsSync(dir)) return undefined;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  const byType = new Map<string, ValidateFunction>();
  const groups = new Set<string>();
  for (const file of yamlFiles(dir)) {
    let docs: unknown[];
    try {
      docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
    } catch (error) {
      throw new K8sToolError('SCHEMA_INVALID', `${file}: not YAML`, { cause: error });
    }
    for (const doc of docs) {
      const crd = doc as Crd | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      groups.add(crd.spec.group);
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema === undefined) continue;
        try {
          byType.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(toStrictJsonSchema(schema) as Schema));
        } catch (error) {
          throw new K8sToolError('SCHEMA_INVALID', `${file}: ${crd.spec.names.kind} ${version.name} does not compile`, { cause: error });
        }
      }
    }
  }
  return { byType, groups, dir };
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
