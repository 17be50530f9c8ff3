import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { describeSchemaErrors, toStrictJsonSchema, vendoredSchemasDir } from '../../../dev/k8s/crd-schemas.ts';
import { changesAnnotation, sourceAnnotation, vendoredCrds } from '../../../dev/k8s/vendor-crds.ts';

function errors(schema: unknown, value: unknown): string[] {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(toStrictJsonSchema(schema) as object);
  validate(value);
  return describeSchemaErrors(validate.errors);
}

describe('CRD schemas made strict', () => {
  it('reject a field the schema does not declare, as the API server does', () => {
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } } } };
    expect(errors(schema, { spec: { replica: 3 } })).toEqual(['spec.replica: unknown field']);
  });

  it('accept anything under x-kubernetes-preserve-unknown-fields', () => {
    const schema = { type: 'object', properties: { config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: {} } } };
    expect(errors(schema, { config: { 'retention.ms': -1 } })).toEqual([]);
  });

  it('accept an integer or a string for x-kubernetes-int-or-string', () => {
    const schema = { type: 'object', properties: { size: { 'x-kubernetes-int-or-string': true } } };
    expect(errors(schema, { size: 3 })).toEqual([]);
    expect(errors(schema, { size: '3Gi' })).toEqual([]);
  });

  it('do not close the objects inside oneOf branches, which only state value rules', () => {
    const schema = {
      type: 'object',
      properties: { secretName: { type: 'string' }, pattern: { type: 'string' }, certificate: { type: 'string' } },
      oneOf: [{ properties: { certificate: {} }, required: ['certificate'] }, { properties: { pattern: {} }, required: ['pattern'] }],
    };
    expect(errors(schema, { secretName: 's', pattern: '*.crt' })).toEqual([]);
  });

  it('name array items by index in the field path', () => {
    const schema = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } } } };
    expect(errors(schema, { items: [{ n: 1 }, { n: 'x' }] })).toEqual(['items[1].n: must be integer']);
  });
});

describe('vendored CRDs', () => {
  const published = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  labels: { app: example }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          description: A widget.
          type: object
          properties:
            spec:
              description: What the widget is.
              type: object
              properties:
                description: { description: A field named description., type: string }
                size: { type: integer, minimum: 1 }
`;

  it('keep the schema as published without its descriptions, and say where it came from and what changed', () => {
    const [crd, ...more] = vendoredCrds(published, 'https://example.com/widgets.yaml');
    expect(more).toEqual([]);
    expect(crd).toEqual({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', annotations: {
        [sourceAnnotation]: 'https://example.com/widgets.yaml',
        [changesAnnotation]: 'description fields removed by dev/k8s/vendor-crds.ts; otherwise as published',
      } },
      spec: {
        group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: {
          spec: { type: 'object', properties: { description: { type: 'string' }, size: { type: 'integer', minimum: 1 } } },
        } } } }],
      },
    });
  });

  it('in the repository each name their source at a tagged release', () => {
    const files = readdirSync(vendoredSchemasDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(7);
    for (const file of files) {
      const crd = JSON.parse(readFileSync(join(vendoredSchemasDir, file), 'utf8')) as { metadata: { name: string; annotations: Record<string, string> } };
      const version = file.split('/')[0]!.replace(/^[a-z]+-/, '');
      expect(file).toBe(`${file.split('/')[0]!}/${crd.metadata.name}.json`);
      expect(crd.metadata.annotations[sourceAnnotation]).toMatch(new RegExp(`^https://raw\\.githubusercontent\\.com/[\\w-]+/[\\w-]+/v?${version.replace(/\./g, '\\.')}/`));
    }
  });
});
