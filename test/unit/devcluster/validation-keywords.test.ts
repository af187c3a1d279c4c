import { expect } from 'chai';
import { formatFieldError, prepareCustomResource } from '../../../src/devcluster/validation.js';

/** A root schema whose spec has the one property `x` described by `prop`. */
function schemaWith(prop: object, specExtra: object = {}): object {
  return {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { x: prop }, ...specExtra },
    },
  };
}

function errorsFor(schema: object, spec: unknown): string[] {
  const obj = { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'n' }, spec };
  return prepareCustomResource({ schema, obj, strict: false }).errors.map(formatFieldError);
}

const NOT_CHECKED =
  '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

describe('custom resource validation: schema keywords', () => {
  const cases: Array<[string, object, unknown, string[]]> = [
    ['accept a string where a string is wanted', { type: 'string' }, 'a', []],
    [
      'refuse a string where an integer is wanted',
      { type: 'integer' },
      'a',
      [
        'spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"',
        NOT_CHECKED,
      ],
    ],
    [
      'refuse a fraction where an integer is wanted',
      { type: 'integer' },
      1.5,
      [
        'spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"',
        NOT_CHECKED,
      ],
    ],
    ['accept an integer where a number is wanted', { type: 'number' }, 3, []],
    [
      'refuse an object where an array is wanted',
      { type: 'array', items: { type: 'string' } },
      {},
      [
        'spec.x: Invalid value: "object": spec.x in body must be of type array: "object"',
        NOT_CHECKED,
      ],
    ],
    [
      'refuse a string where a boolean is wanted',
      { type: 'boolean' },
      'true',
      [
        'spec.x: Invalid value: "string": spec.x in body must be of type boolean: "string"',
        NOT_CHECKED,
      ],
    ],
    ['accept an integer in an int-or-string', { 'x-kubernetes-int-or-string': true }, 5, []],
    ['accept a string in an int-or-string', { 'x-kubernetes-int-or-string': true }, '50%', []],
    [
      'refuse a boolean in an int-or-string',
      { 'x-kubernetes-int-or-string': true },
      true,
      [
        'spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"',
        NOT_CHECKED,
      ],
    ],
    [
      'name the supported values of an enum',
      { type: 'string', enum: ['Retain', 'Delete'] },
      'Keep',
      ['spec.x: Unsupported value: "Keep": supported values: "Retain", "Delete"', NOT_CHECKED],
    ],
    [
      'quote the pattern a string must match',
      { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      'Kube',
      [
        'spec.x: Invalid value: "Kube": spec.x in body should match \'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\'',
      ],
    ],
    ['count maxLength in characters, not bytes', { type: 'string', maxLength: 3 }, 'äöü', []],
    [
      'report a too long string without its value',
      { type: 'string', maxLength: 3 },
      'abcd',
      ['spec.x: Too long: may not be more than 3 bytes', NOT_CHECKED],
    ],
    [
      'report a too short string with its value',
      { type: 'string', minLength: 2 },
      'a',
      ['spec.x: Invalid value: "a": spec.x in body should be at least 2 chars long'],
    ],
    [
      'report a number under the minimum',
      { type: 'integer', minimum: 0 },
      -1,
      ['spec.x: Invalid value: -1: spec.x in body should be greater than or equal to 0'],
    ],
    [
      'report a number over an exclusive maximum',
      { type: 'integer', maximum: 10, exclusiveMaximum: true },
      10,
      ['spec.x: Invalid value: 10: spec.x in body should be less than 10'],
    ],
    [
      'report a number over the maximum',
      { type: 'number', maximum: 1.5 },
      2,
      ['spec.x: Invalid value: 2: spec.x in body should be less than or equal to 1.5'],
    ],
    [
      'report a number at an exclusive minimum',
      { type: 'integer', minimum: 1, exclusiveMinimum: true },
      1,
      ['spec.x: Invalid value: 1: spec.x in body should be greater than 1'],
    ],
    [
      'report a number that is no multiple',
      { type: 'integer', multipleOf: 5 },
      7,
      ['spec.x: Invalid value: 7: spec.x in body should be a multiple of 5'],
    ],
    [
      'report too many items as Too many',
      { type: 'array', items: { type: 'string' }, maxItems: 1 },
      ['a', 'b'],
      ['spec.x: Too many: 2: must have at most 1 item', NOT_CHECKED],
    ],
    [
      'report too few items with the count',
      { type: 'array', items: { type: 'string' }, minItems: 2 },
      ['a'],
      ['spec.x: Invalid value: 1: spec.x in body should have at least 2 items'],
    ],
    [
      'report too many properties as Too many',
      { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 },
      { a: 'a', b: 'b' },
      ['spec.x: Too many: 2: must have at most 1 item', NOT_CHECKED],
    ],
    [
      'report too few properties',
      { type: 'object', additionalProperties: { type: 'string' }, minProperties: 2 },
      { a: 'a' },
      ['spec.x: Invalid value: 2: spec.x in body should have at least 2 properties'],
    ],
    [
      'validate every value of a map against additionalProperties',
      { type: 'object', additionalProperties: { type: 'string' } },
      { a: 'a', b: 2 },
      [
        'spec.x.b: Invalid value: "integer": spec.x.b in body must be of type string: "integer"',
        NOT_CHECKED,
      ],
    ],
    [
      'name a missing required field',
      { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      {},
      ['spec.x.name: Required value', NOT_CHECKED],
    ],
    [
      'index array items in paths',
      {
        type: 'array',
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
      [{ name: 'a' }, {}],
      ['spec.x[1].name: Required value', NOT_CHECKED],
    ],
    [
      'accept a valid date-time',
      { type: 'string', format: 'date-time' },
      '2024-05-01T10:00:00Z',
      [],
    ],
    [
      'refuse a malformed date-time as a type error',
      { type: 'string', format: 'date-time' },
      'yesterday',
      [
        'spec.x: Invalid value: "yesterday": spec.x in body must be of type date-time: "yesterday"',
        NOT_CHECKED,
      ],
    ],
    ['accept any integer for format int64', { type: 'integer', format: 'int64' }, 2 ** 40, []],
    ['accept null in a nullable field', { type: 'string', nullable: true }, null, []],
    [
      'refuse null in a list of non-nullable items',
      { type: 'array', items: { type: 'string' } },
      [null],
      [
        'spec.x[0]: Invalid value: "null": spec.x[0] in body must be of type string: "null"',
        NOT_CHECKED,
      ],
    ],
    [
      'refuse a value that matches no anyOf branch',
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        anyOf: [{ required: ['a'] }, { required: ['b'] }],
      },
      {},
      ['spec.x: Invalid value: "object": spec.x must validate at least one schema (anyOf)'],
    ],
    [
      'refuse a value that matches two oneOf branches',
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        oneOf: [{ required: ['a'] }, { required: ['b'] }],
      },
      { a: '1', b: '2' },
      ['spec.x: Invalid value: "object": spec.x must validate one and only one schema (oneOf)'],
    ],
    [
      'accept a value that matches exactly one oneOf branch',
      {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        oneOf: [{ required: ['a'] }, { required: ['b'] }],
      },
      { a: '1' },
      [],
    ],
    [
      'refuse a value that matches a not schema',
      { type: 'string', not: { enum: ['default'] } },
      'default',
      ['spec.x: Invalid value: "string": spec.x must not validate the schema (not)'],
    ],
    [
      'apply every allOf schema',
      { type: 'string', allOf: [{ minLength: 2 }, { pattern: '^a' }] },
      'b',
      [
        'spec.x: Invalid value: "b": spec.x in body should be at least 2 chars long',
        'spec.x: Invalid value: "b": spec.x in body should match \'^a\'',
      ],
    ],
  ];
  for (const [name, prop, value, expected] of cases) {
    it(name, () => expect(errorsFor(schemaWith(prop), { x: value })).to.deep.equal(expected));
  }

  it('report a missing required spec at the root', () => {
    const schema = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
    const obj = { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'n' } };
    const { errors } = prepareCustomResource({ schema, obj, strict: false });
    expect(errors.map(formatFieldError)).to.deep.equal(['spec: Required value', NOT_CHECKED]);
  });

  it('validate metadata.name against the schema of metadata', () => {
    const schema = {
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } },
      },
    };
    const obj = { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'toolong' } };
    const { errors } = prepareCustomResource({ schema, obj, strict: false });
    expect(errors.map(formatFieldError)[0]).to.equal(
      'metadata.name: Too long: may not be more than 5 bytes',
    );
  });
});

describe('custom resource validation: list types', () => {
  const conditions = {
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } },
  };
  const cases: Array<[string, object, unknown, string[]]> = [
    [
      'report a repeated key of a list-map as a duplicate of its key fields',
      conditions,
      [{ type: 'Ready', status: 'True' }, { type: 'Failed' }, { type: 'Ready', status: 'False' }],
      ['spec.x[2]: Duplicate value: {"type":"Ready"}'],
    ],
    [
      'accept a list-map with distinct keys',
      conditions,
      [{ type: 'Ready' }, { type: 'Failed' }],
      [],
    ],
    [
      'report a repeated value of a set',
      { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ['a', 'b', 'a'],
      ['spec.x[2]: Duplicate value: "a"'],
    ],
    [
      'accept repeats in an atomic list',
      { type: 'array', 'x-kubernetes-list-type': 'atomic', items: { type: 'string' } },
      ['a', 'a'],
      [],
    ],
    [
      'report list-map duplicates after the other schema errors',
      { ...conditions, maxItems: 5, items: { ...conditions.items, required: ['status'] } },
      [{ type: 'A', status: 'x' }, { type: 'A' }],
      ['spec.x[1].status: Required value', 'spec.x[1]: Duplicate value: {"type":"A"}', NOT_CHECKED],
    ],
  ];
  for (const [name, prop, value, expected] of cases) {
    it(name, () => expect(errorsFor(schemaWith(prop), { x: value })).to.deep.equal(expected));
  }
});
