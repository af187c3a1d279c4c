import { expect } from 'chai';
import { TypeNameClashError, generateTypes } from '../../../scripts/api/codegen.js';
import type { Crd, SchemaNode } from '../../../src/api/index.js';

/** A one-kind CRD around `spec` and `status` schemas. */
function crd(kind: string, spec: SchemaNode, status?: SchemaNode): Crd {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.example.io` },
    spec: {
      group: 'example.io',
      scope: 'Namespaced',
      names: { kind, plural: `${kind.toLowerCase()}s` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                ...(status ? { status } : {}),
              },
            },
          },
        },
      ],
    },
  };
}

const spec: SchemaNode = {
  type: 'object',
  description: 'What is wanted.',
  required: ['size'],
  properties: {
    size: { type: 'integer', minimum: 1, description: 'How many.' },
    mode: { type: 'string', enum: ['Fast', 'Safe'], default: 'Safe' },
    tags: { type: 'array', maxItems: 3, items: { type: 'string' } },
    items: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } } },
    },
  },
};

describe('generating TypeScript from a CRD schema', () => {
  const out = generateTypes([crd('Widget', spec)]);

  const expected: Array<[string, string]> = [
    ['writes the kind with literal apiVersion and kind', 'apiVersion: "example.io/v1";'],
    ['makes a required field required', 'size: number;'],
    ['makes a field with only a default optional', 'mode?: "Fast" | "Safe";'],
    ['writes a list of scalars as an array type', 'tags?: string[];'],
    ['names a list item object after the singular field', 'items?: WidgetSpecItem[];'],
    ['declares the list kind', 'export interface WidgetList {'],
    ['puts the default into the doc comment', 'Default: `"Safe"`.'],
    ['puts the validation into the doc comment', 'Validation: value >= 1.'],
    ['imports ObjectMeta for metadata', "import type { ObjectMeta } from './meta.js';"],
  ];
  for (const [what, text] of expected) it(`${what}`, () => expect(out).to.include(text));

  it('uses the names it is given for objects and enums', () => {
    const named = generateTypes([crd('Widget', spec)], {
      typeNames: { 'Widget.spec': 'WidgetWants', 'Widget.spec.mode': 'WidgetMode' },
    });
    expect(named).to.include('spec: WidgetWants;');
    expect(named).to.include('export type WidgetMode = "Fast" | "Safe";');
    expect(named).to.include('mode?: WidgetMode;');
  });

  it('declares a type shared by two kinds once', () => {
    const shared: SchemaNode = { type: 'object', properties: { x: { type: 'string' } } };
    const names = { 'A.spec': 'Shared', 'B.spec': 'Shared' };
    const both = generateTypes([crd('A', shared), crd('B', shared)], { typeNames: names });
    expect(both.match(/export interface Shared /g)).to.have.length(1);
  });

  it('refuses two different schemas under one name', () => {
    const names = { 'A.spec': 'Shared', 'B.spec': 'Shared' };
    const other: SchemaNode = { type: 'object', properties: { y: { type: 'string' } } };
    expect(() => generateTypes([crd('A', spec), crd('B', other)], { typeNames: names })).to.throw(
      TypeNameClashError,
      /Shared/,
    );
  });

  it('never lets a pattern close the doc comment early', () => {
    const tricky = { type: 'object', properties: { p: { type: 'string', pattern: '^(a*/)?b$' } } };
    const text = generateTypes([crd('T', tricky as SchemaNode)]);
    expect(text).to.include('^(a*\\/)?b$');
  });
});
