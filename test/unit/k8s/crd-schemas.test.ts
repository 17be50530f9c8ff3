import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { describeSchemaErrors, toStrictJsonSchema } from '../../../dev/k8s/crd-schemas.ts';

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
