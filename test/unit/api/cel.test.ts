import { expect } from 'chai';
import { loadCrds, type Crd, type SchemaNode } from '../../../src/api/index.js';
import {
  exampleOrganization,
  exampleOrganizationClass,
  exampleSchemaMigration,
} from '../../../scripts/api/examples.js';
import { compileRule } from '../../support/cel.js';
import { validate } from '../../support/validate.js';

/** Every x-kubernetes-validations rule in `node`, with the path it sits at. */
function rules(node: SchemaNode, path = '<root>'): Array<[string, string]> {
  const out = (node['x-kubernetes-validations'] ?? []).map((r): [string, string] => [path, r.rule]);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    out.push(...rules(child, `${path}.${key}`));
  }
  if (node.items) out.push(...rules(node.items, `${path}[]`));
  return out;
}

type Obj = Record<string, unknown>;
const smig = (spec: Obj): Obj => ({ ...exampleSchemaMigration, spec });
const org = (name: string, spec: Obj): Obj => ({
  ...exampleOrganization,
  metadata: { name },
  spec,
});
const db = { urlSecretRef: { name: 'streamspace-db' } };

/** [what, object, old object or undefined, the error expected or undefined for none] */
type Case = [string, Obj, Obj | undefined, RegExp | undefined];

const migrationCases: Case[] = [
  ['accept the documented example', exampleSchemaMigration as unknown as Obj, undefined, undefined],
  [
    'accept ConfigMaps as the source',
    smig({ database: db, source: { configMaps: [{ name: 'a' }, { name: 'b' }] } }),
    undefined,
    undefined,
  ],
  [
    'accept inline migrations',
    smig({ database: db, source: { inline: [{ version: '1', name: 'init', sql: 'SELECT 1' }] } }),
    undefined,
    undefined,
  ],
  [
    'refuse two sources',
    smig({ database: db, source: { bundled: 'streamspace', configMaps: [{ name: 'a' }] } }),
    undefined,
    /exactly one of configMaps, inline or bundled/,
  ],
  [
    'refuse no source',
    smig({ database: db, source: {} }),
    undefined,
    /exactly one of configMaps, inline or bundled/,
  ],
  [
    'refuse baseline together with adoptExisting',
    smig({
      database: db,
      source: { bundled: 'streamspace' },
      policy: { baseline: { version: '5' }, adoptExisting: true },
    }),
    undefined,
    /baseline and adoptExisting exclude each other/,
  ],
  [
    'refuse lockTimeout: 600h',
    smig({ database: db, source: { bundled: 'streamspace' }, policy: { lockTimeout: '600h' } }),
    undefined,
    /lockTimeout must be above 0 and at most 24h/,
  ],
  [
    'refuse lockTimeout: 0s',
    smig({ database: db, source: { bundled: 'streamspace' }, policy: { lockTimeout: '0s' } }),
    undefined,
    /lockTimeout must be above 0 and at most 24h/,
  ],
  [
    'refuse statementTimeout: 0s',
    smig({ database: db, source: { bundled: 'streamspace' }, policy: { statementTimeout: '0s' } }),
    undefined,
    /statementTimeout must be above 0 and at most 24h/,
  ],
  [
    'refuse statementTimeout: 23h3601s',
    smig({
      database: db,
      source: { bundled: 'streamspace' },
      policy: { statementTimeout: '23h3601s' },
    }),
    undefined,
    /statementTimeout must be above 0 and at most 24h/,
  ],
  [
    'accept statementTimeout: 24h and lockTimeout: 1ms',
    smig({
      database: db,
      source: { bundled: 'streamspace' },
      policy: { statementTimeout: '24h', lockTimeout: '1ms' },
    }),
    undefined,
    undefined,
  ],
  [
    'accept baseline alone',
    smig({
      database: db,
      source: { bundled: 'streamspace' },
      policy: { baseline: { version: '5' } },
    }),
    undefined,
    undefined,
  ],
  [
    'accept adoptExisting alone',
    smig({ database: db, source: { bundled: 'streamspace' }, policy: { adoptExisting: true } }),
    undefined,
    undefined,
  ],
  [
    'refuse a duration the engine cannot read',
    smig({
      database: db,
      source: { bundled: 'streamspace' },
      policy: { lockTimeout: '5 seconds' },
    }),
    undefined,
    /lockTimeout.*does not match/,
  ],
  [
    'refuse a malformed target version',
    smig({ database: db, source: { bundled: 'streamspace' }, targetVersion: 'v8' }),
    undefined,
    /targetVersion.*does not match/,
  ],
  [
    'refuse a URL field in the database',
    smig({ database: { url: 'postgres://u:p@h/db', ...db }, source: { bundled: 'streamspace' } }),
    undefined,
    /database\.url: unknown field/,
  ],
  [
    'refuse a Secret name that is not a DNS-1123 subdomain',
    smig({ database: { urlSecretRef: { name: 'Bad_Name' } }, source: { bundled: 'streamspace' } }),
    undefined,
    /urlSecretRef\.name.*does not match/,
  ],
  [
    'refuse duplicate inline versions',
    smig({
      database: db,
      source: {
        inline: [
          { version: '1', name: 'a', sql: 'x' },
          { version: '1', name: 'b', sql: 'y' },
        ],
      },
    }),
    undefined,
    /duplicate entry/,
  ],
  [
    'refuse a change of the history table',
    smig({ database: db, source: { bundled: 'streamspace' }, historyTable: { name: 'other' } }),
    smig({ database: db, source: { bundled: 'streamspace' } }),
    /historyTable is immutable/,
  ],
  [
    'accept a change of source and target',
    smig({ database: db, source: { configMaps: [{ name: 'a' }] }, targetVersion: '9' }),
    smig({ database: db, source: { bundled: 'streamspace' } }),
    undefined,
  ],
];

const orgCases: Case[] = [
  ['accept the documented example', exampleOrganization as unknown as Obj, undefined, undefined],
  [
    'accept the shared namespace by default',
    org('beta', { displayName: 'Beta' }),
    undefined,
    undefined,
  ],
  [
    'refuse kube-system as namespace',
    org('acme', { displayName: 'A', namespace: 'kube-system' }),
    undefined,
    /reserved namespace/,
  ],
  [
    'refuse kube-public as namespace',
    org('acme', { displayName: 'A', namespace: 'kube-public' }),
    undefined,
    /reserved namespace/,
  ],
  [
    'refuse default as namespace',
    org('acme', { displayName: 'A', namespace: 'default' }),
    undefined,
    /reserved namespace/,
  ],
  [
    "refuse the operator's default namespace",
    org('acme', { displayName: 'A', namespace: 'schema-operator-system' }),
    undefined,
    /reserved namespace \(kube-\*, default, schema-operator-system\)/,
  ],
  [
    'refuse a missing displayName',
    org('acme', { namespace: 'acme' }),
    undefined,
    /displayName: required/,
  ],
  [
    'refuse an empty displayName',
    org('acme', { displayName: '' }),
    undefined,
    /displayName: too short/,
  ],
  [
    'refuse an unknown deletion policy',
    org('acme', { displayName: 'A', deletionPolicy: 'Orphan' }),
    undefined,
    /not in enum/,
  ],
  [
    'refuse an id that is not a DNS-1123 label',
    org('acme.corp', { displayName: 'A' }),
    undefined,
    /DNS-1123 label/,
  ],
  [
    'refuse an id longer than 63 characters',
    org('a'.repeat(64), { displayName: 'A' }),
    undefined,
    /DNS-1123 label/,
  ],
  [
    'refuse a namespace change',
    org('acme', { displayName: 'A', namespace: 'acme2' }),
    org('acme', { displayName: 'A', namespace: 'acme' }),
    /spec.namespace is immutable/,
  ],
  [
    'refuse dropping a namespace back to the default',
    org('acme', { displayName: 'A' }),
    org('acme', { displayName: 'A', namespace: 'acme' }),
    /spec.namespace is immutable/,
  ],
  [
    'accept other changes to a namespaced organization',
    org('acme', { displayName: 'B', namespace: 'acme', suspended: true }),
    org('acme', { displayName: 'A', namespace: 'acme' }),
    undefined,
  ],
];

describe('the CEL rules of the CRDs', () => {
  let crds: Crd[];
  before(async () => {
    crds = await loadCrds();
  });
  const schemaOf = (kind: string): SchemaNode =>
    crds.find((c) => c.spec.names.kind === kind)!.spec.versions[0]!.schema.openAPIV3Schema;

  it('has rules in both CRDs, and every one compiles', () => {
    for (const kind of ['SchemaMigration', 'Organization']) {
      const found = rules(schemaOf(kind));
      expect(found, kind).to.have.length.greaterThan(0);
      for (const [path, rule] of found)
        expect(compileRule(rule), `${kind} ${path}: ${rule}`).to.deep.equal([]);
    }
  });

  const broken: Array<[string, RegExp]> = [
    ['self ==', /does not parse/],
    ['self.frobnicate()', /unknown function frobnicate/],
    ['other == self', /unknown variable other/],
  ];
  for (const [rule, problem] of broken) {
    it(`reports a broken rule: ${rule}`, () =>
      expect(compileRule(rule).join('\n')).to.match(problem));
  }

  const suites: Array<[string, Case[]]> = [
    ['SchemaMigration', migrationCases],
    ['Organization', orgCases],
    [
      'OrganizationClass',
      [
        [
          'accept the documented example',
          exampleOrganizationClass as unknown as Obj,
          undefined,
          undefined,
        ],
        [
          'refuse an unknown Pod Security level',
          { ...exampleOrganizationClass, spec: { podSecurity: 'lax' } } as unknown as Obj,
          undefined,
          /podSecurity|lax|enum|supported/i,
        ],
      ],
    ],
  ];
  for (const [kind, cases] of suites) {
    describe(kind, () => {
      for (const [what, obj, old, error] of cases) {
        it(`should ${what}${old ? ' on update' : ''}`, () => {
          const errors = validate(schemaOf(kind), obj, old);
          if (error) expect(errors.join('\n')).to.match(error);
          else expect(errors).to.deep.equal([]);
        });
      }
    });
  }
});
