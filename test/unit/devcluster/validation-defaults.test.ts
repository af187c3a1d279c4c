import { expect } from 'chai';
import { prepareCustomResource } from '../../../src/devcluster/validation.js';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        mode: { type: 'string', default: 'auto' },
        note: { type: 'string', nullable: true, default: 'n' },
        count: { type: 'integer' },
        policy: {
          type: 'object',
          default: {},
          properties: {
            lockTimeout: { type: 'string', default: '5s' },
            retry: {
              type: 'object',
              properties: { max: { type: 'integer', default: 10 } },
            },
          },
        },
        optional: {
          type: 'object',
          properties: { inner: { type: 'string', default: 'never without a parent' } },
        },
        inline: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              transactional: { type: 'boolean', default: true },
            },
          },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        typed: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { a: { type: 'object', properties: { b: { type: 'string' } } } },
        },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
};

function prepare(spec: unknown, rest: Record<string, unknown> = {}, strict = false) {
  const obj = { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'n' }, spec, ...rest };
  return prepareCustomResource({ schema, obj, strict });
}

describe('custom resource defaulting', () => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    [
      'fill defaults at the first level and inside a defaulted parent',
      {},
      { mode: 'auto', note: 'n', policy: { lockTimeout: '5s' } },
    ],
    [
      'keep a value the user set',
      { mode: 'manual', policy: { lockTimeout: '1s' } },
      { mode: 'manual', note: 'n', policy: { lockTimeout: '1s' } },
    ],
    [
      'default two levels down when the parents are present',
      { policy: { retry: {} } },
      { mode: 'auto', note: 'n', policy: { lockTimeout: '5s', retry: { max: 10 } } },
    ],
    [
      'never create a parent that has no default',
      { optional: undefined },
      { mode: 'auto', note: 'n', policy: { lockTimeout: '5s' } },
    ],
    [
      'default inside every array item',
      { inline: [{ name: 'a' }, { name: 'b', transactional: false }] },
      {
        mode: 'auto',
        note: 'n',
        policy: { lockTimeout: '5s' },
        inline: [
          { name: 'a', transactional: true },
          { name: 'b', transactional: false },
        ],
      },
    ],
    [
      'replace null in a non-nullable field by its default',
      { mode: null },
      { mode: 'auto', note: 'n', policy: { lockTimeout: '5s' } },
    ],
    [
      'keep null in a nullable field instead of defaulting it',
      { note: null },
      { mode: 'auto', note: null, policy: { lockTimeout: '5s' } },
    ],
    [
      'drop null from a non-nullable field without a default',
      { count: null },
      { mode: 'auto', note: 'n', policy: { lockTimeout: '5s' } },
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => {
      const r = prepare(JSON.parse(JSON.stringify(spec ?? {})));
      expect(r.obj.spec).to.deep.equal(expected);
      expect(r.errors).to.deep.equal([]);
    });
  }

  it('leave the caller’s object untouched', () => {
    const spec = { inline: [{ name: 'a' }] };
    prepare(spec);
    expect(spec).to.deep.equal({ inline: [{ name: 'a' }] });
  });

  it('never share a default between two results', () => {
    const a = prepare({}).obj.spec as { policy: Record<string, unknown> };
    a.policy.lockTimeout = 'changed';
    expect((prepare({}).obj.spec as { policy: unknown }).policy).to.deep.equal({
      lockTimeout: '5s',
    });
  });
});

describe('custom resource pruning', () => {
  const base = { mode: 'auto', note: 'n', policy: { lockTimeout: '5s' } };
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
    ['drop an unknown field of spec', { foo: 1 }, base, ['spec.foo']],
    [
      'drop unknown fields inside array items',
      { inline: [{ name: 'a', bar: 2 }] },
      { ...base, inline: [{ name: 'a', transactional: true }] },
      ['spec.inline[0].bar'],
    ],
    [
      'keep every key of a map-typed field',
      { labels: { a: 'x', b: 'y' } },
      { ...base, labels: { a: 'x', b: 'y' } },
      [],
    ],
    [
      'keep anything under preserve-unknown-fields',
      { extra: { any: { deep: [1] } } },
      { ...base, extra: { any: { deep: [1] } } },
      [],
    ],
    [
      'still prune declared children of a preserving object',
      { typed: { a: { b: 'x', c: 'y' }, other: 1 } },
      { ...base, typed: { a: { b: 'x' }, other: 1 } },
      ['spec.typed.a.c'],
    ],
  ];
  for (const [name, spec, expected, unknown] of cases) {
    it(name, () => {
      const r = prepare(spec);
      expect(r.obj.spec).to.deep.equal(expected);
      expect(r.unknownFields).to.deep.equal(unknown);
      expect(r.warnings).to.deep.equal(unknown.map((p) => `unknown field "${p}"`));
    });
  }

  it('keep apiVersion, kind and ObjectMeta fields but drop other metadata', () => {
    const r = prepare(
      {},
      { metadata: { name: 'n', labels: { a: 'b' }, finalizers: ['f'], colour: 'red' }, top: 1 },
    );
    expect(r.obj.apiVersion).to.equal('g/v1');
    expect(r.obj.kind).to.equal('K');
    expect(r.obj.metadata).to.deep.equal({ name: 'n', labels: { a: 'b' }, finalizers: ['f'] });
    expect(r.obj).not.to.have.property('top');
    expect(r.unknownFields).to.deep.equal(['metadata.colour', 'top']);
  });

  it('report unknown fields but give no warnings in strict mode', () => {
    const r = prepare({ foo: 1 }, { status: { phase: 'x', bogus: true } }, true);
    expect(r.unknownFields).to.deep.equal(['spec.foo', 'status.bogus']);
    expect(r.warnings).to.deep.equal([]);
    expect(r.errors).to.deep.equal([]);
    expect(r.obj.status).to.deep.equal({ phase: 'x' });
  });
});

describe('custom resource defaulting: key order', () => {
  it('keeps present keys in place, drops non-nullable nulls and appends defaults in schema order', () => {
    const ordered = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            a: { type: 'string', default: 'A' },
            b: { type: 'string' },
            c: { type: 'string', default: 'C' },
            x: { type: 'integer' },
            d: { type: 'string', default: 'D' },
          },
        },
      },
    };
    const obj = {
      apiVersion: 'g/v1',
      kind: 'K',
      metadata: { name: 'n' },
      spec: { b: null, x: 1, a: null },
    };
    const { obj: out } = prepareCustomResource({ schema: ordered, obj, strict: false });
    const spec = out.spec as Record<string, unknown>;
    expect(Object.keys(spec)).to.deep.equal(['x', 'a', 'c', 'd']);
    expect(spec).to.deep.equal({ x: 1, a: 'A', c: 'C', d: 'D' });
  });
});
