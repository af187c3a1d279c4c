import { expect } from 'chai';
import { formatFieldError, prepareCustomResource } from '../../../src/devcluster/validation.js';

type Rule = Record<string, unknown>;

/** A schema with rules on spec (`specRules`) and on spec.name (`nameRules`). */
function schemaWith(specRules: Rule[], nameRules: Rule[] = []): object {
  return {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': specRules,
        properties: {
          name: { type: 'string', 'x-kubernetes-validations': nameRules },
          namespace: { type: 'string' },
          replicas: { type: 'integer' },
          ratio: { type: 'number' },
          configMaps: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, key: { type: 'string' } },
              'x-kubernetes-validations': [
                { rule: 'self.key == oldSelf.key', message: 'key is immutable' },
              ],
            },
          },
          inline: { type: 'array', items: { type: 'string' } },
          bundled: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
}

function errorsFor(schema: object, spec: unknown, oldSpec?: unknown): string[] {
  const wrap = (s: unknown) => ({
    apiVersion: 'g/v1',
    kind: 'K',
    metadata: { name: 'n' },
    spec: s,
  });
  const args = { schema, obj: wrap(spec), strict: false };
  const r = prepareCustomResource(oldSpec === undefined ? args : { ...args, old: wrap(oldSpec) });
  return r.errors.map(formatFieldError);
}

const exactlyOne = {
  rule: '(has(self.configMaps) ? 1 : 0) + (has(self.inline) ? 1 : 0) + (has(self.bundled) ? 1 : 0) == 1',
  message: 'exactly one of configMaps, inline or bundled must be set',
};

describe('custom resource validation: CEL rules', () => {
  const cases: Array<[string, Rule[], Rule[], unknown, unknown, string[]]> = [
    ['pass a rule that holds', [{ rule: 'self.replicas > 0' }], [], { replicas: 1 }, undefined, []],
    [
      'report a failed rule with its message on the rule’s level',
      [{ rule: 'self.replicas > 0', message: 'replicas must be positive' }],
      [],
      { replicas: 0 },
      undefined,
      ['spec: Invalid value: "object": replicas must be positive'],
    ],
    [
      'quote the rule when it has no message',
      [{ rule: 'self.replicas > 0' }],
      [],
      { replicas: 0 },
      undefined,
      ['spec: Invalid value: "object": failed rule: self.replicas > 0'],
    ],
    [
      'compare doubles with integer literals',
      [{ rule: 'self.ratio < 1' }],
      [],
      { ratio: 0.5 },
      undefined,
      [],
    ],
    [
      'evaluate rules on a scalar field with self as the string',
      [],
      [{ rule: "!self.startsWith('kube-') && self.lowerAscii() == self", message: 'bad name' }],
      { name: 'kube-system' },
      undefined,
      ['spec.name: Invalid value: "string": bad name'],
    ],
    ['accept exactly one of three fields', [exactlyOne], [], { bundled: 'x' }, undefined, []],
    [
      'refuse two of three exclusive fields',
      [exactlyOne],
      [],
      { bundled: 'x', inline: ['a'] },
      undefined,
      ['spec: Invalid value: "object": exactly one of configMaps, inline or bundled must be set'],
    ],
    [
      'refuse none of three exclusive fields',
      [exactlyOne],
      [],
      {},
      undefined,
      ['spec: Invalid value: "object": exactly one of configMaps, inline or bundled must be set'],
    ],
    [
      'support exists, all, exists_one, map, filter and matches',
      [
        {
          rule: "self.inline.exists(x, x == 'b') && self.inline.all(x, x.matches('^[a-z]$')) && self.inline.exists_one(x, x == 'a') && self.inline.map(x, x + x).filter(x, x == 'aa').size() == 1",
        },
      ],
      [],
      { inline: ['a', 'b'] },
      undefined,
      [],
    ],
    [
      'iterate over the keys of a map-typed field',
      [{ rule: "self.labels.all(k, k.endsWith('.io'))", message: 'labels must end in .io' }],
      [],
      { labels: { 'a.io': 'x', b: 'y' } },
      undefined,
      ['spec: Invalid value: "object": labels must end in .io'],
    ],
    [
      'use messageExpression for the message',
      [
        {
          rule: 'self.replicas <= 5',
          messageExpression: "'replicas is ' + string(self.replicas) + ', at most 5'",
        },
      ],
      [],
      { replicas: 7 },
      undefined,
      ['spec: Invalid value: "object": replicas is 7, at most 5'],
    ],
    [
      'fall back to message when messageExpression fails',
      [{ rule: 'self.replicas <= 5', message: 'too many', messageExpression: 'self.missing' }],
      [],
      { replicas: 7 },
      undefined,
      ['spec: Invalid value: "object": too many'],
    ],
    [
      'report a failure at fieldPath',
      [{ rule: 'self.replicas <= 5', message: 'too many', fieldPath: '.replicas' }],
      [],
      { replicas: 7 },
      undefined,
      ['spec.replicas: Invalid value: "object": too many'],
    ],
    [
      'word the error by reason',
      [
        {
          rule: 'has(self.name)',
          message: 'name is needed',
          reason: 'FieldValueRequired',
          fieldPath: '.name',
        },
      ],
      [],
      {},
      undefined,
      ['spec.name: Required value: name is needed'],
    ],
    [
      'word a forbidden reason',
      [{ rule: '!has(self.bundled)', message: 'bundled is off', reason: 'FieldValueForbidden' }],
      [],
      { bundled: 'x' },
      undefined,
      ['spec: Forbidden: bundled is off'],
    ],
    [
      'report a rule that fails at runtime',
      [{ rule: 'self.name == "x"' }],
      [],
      { replicas: 1 },
      undefined,
      ['spec: Invalid value: "object": field not found: name evaluating rule: self.name == "x"'],
    ],
    [
      'reach a property named after a reserved word both escaped and plain',
      [{ rule: 'self.__namespace__ == self.namespace && self.namespace != "default"' }],
      [],
      { namespace: 'default' },
      undefined,
      [
        'spec: Invalid value: "object": failed rule: self.__namespace__ == self.namespace && self.namespace != "default"',
      ],
    ],
  ];
  for (const [name, specRules, nameRules, spec, old, expected] of cases) {
    it(name, () =>
      expect(errorsFor(schemaWith(specRules, nameRules), spec, old)).to.deep.equal(expected),
    );
  }

  it('report a rule that does not compile, with the parser’s position', () => {
    const errors = errorsFor(schemaWith([{ rule: 'self.replicas >' }]), { replicas: 1 });
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(
      /^spec: Invalid value: "object": rule compile error: compilation failed: ERROR: <input>:1:\d+: /,
    );
  });
});

describe('custom resource validation: transition rules', () => {
  const immutable = [{ rule: 'self == oldSelf', message: 'name is immutable' }];
  const cases: Array<[string, Rule[], Rule[], unknown, unknown, string[]]> = [
    ['skip a transition rule on create', [], immutable, { name: 'a' }, undefined, []],
    ['pass an unchanged immutable field', [], immutable, { name: 'a' }, { name: 'a' }, []],
    [
      'refuse a changed immutable field',
      [],
      immutable,
      { name: 'b' },
      { name: 'a' },
      ['spec.name: Invalid value: "string": name is immutable'],
    ],
    ['skip a transition rule when the old value is absent', [], immutable, { name: 'b' }, {}, []],
    [
      'refuse unsetting a field once set',
      [
        {
          rule: '!has(oldSelf.name) || has(self.name)',
          message: 'name cannot be unset',
          fieldPath: '.name',
        },
      ],
      [],
      {},
      { name: 'a' },
      ['spec.name: Invalid value: "object": name cannot be unset'],
    ],
    [
      'correlate list-map items by key',
      [],
      [],
      {
        configMaps: [
          { name: 'b', key: 'k2' },
          { name: 'a', key: 'changed' },
        ],
      },
      {
        configMaps: [
          { name: 'a', key: 'k1' },
          { name: 'b', key: 'k2' },
        ],
      },
      ['spec.configMaps[1]: Invalid value: "object": key is immutable'],
    ],
    [
      'run an optionalOldSelf rule on create with an empty oldSelf',
      [
        {
          rule: 'oldSelf.hasValue() ? oldSelf.value().replicas == self.replicas : self.replicas == 1',
          optionalOldSelf: true,
          message: 'starts at one',
        },
      ],
      [],
      { replicas: 2 },
      undefined,
      ['spec: Invalid value: "object": starts at one'],
    ],
    [
      'give an optionalOldSelf rule the old value on update',
      [
        {
          rule: 'oldSelf.orValue(self).replicas <= self.replicas',
          optionalOldSelf: true,
          message: 'no scaling down',
        },
      ],
      [],
      { replicas: 2 },
      { replicas: 3 },
      ['spec: Invalid value: "object": no scaling down'],
    ],
    [
      'give a messageExpression the old value though its rule does not name it',
      [
        {
          rule: 'self.replicas < 3',
          messageExpression: "'was ' + string(oldSelf.replicas)",
          message: 'too many',
        },
      ],
      [],
      { replicas: 4 },
      { replicas: 2 },
      ['spec: Invalid value: "object": was 2'],
    ],
    [
      'fall back to the message when the messageExpression needs an old value there is not',
      [
        {
          rule: 'self.replicas < 3',
          messageExpression: "'was ' + string(oldSelf.replicas)",
          message: 'too many',
        },
      ],
      [],
      { replicas: 4 },
      undefined,
      ['spec: Invalid value: "object": too many'],
    ],
  ];
  for (const [name, specRules, nameRules, spec, old, expected] of cases) {
    it(name, () =>
      expect(errorsFor(schemaWith(specRules, nameRules), spec, old)).to.deep.equal(expected),
    );
  }

  it('run no rules once the schema found a blocking error', () => {
    const schema = schemaWith([{ rule: 'false', message: 'never reported' }]);
    expect(errorsFor(schema, { replicas: 'x' })).to.deep.equal([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('report root-level rules at <nil> and see only name and generateName of metadata', () => {
    const schema = {
      type: 'object',
      'x-kubernetes-validations': [
        {
          rule: "self.metadata.name.startsWith('a') && !has(self.metadata.labels)",
          message: 'bad id',
        },
      ],
      properties: { spec: { type: 'object' } },
    };
    const obj = { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'b', labels: { x: 'y' } } };
    const { errors } = prepareCustomResource({ schema, obj, strict: false });
    expect(errors.map(formatFieldError)).to.deep.equal(['<nil>: Invalid value: "object": bad id']);
  });
});
