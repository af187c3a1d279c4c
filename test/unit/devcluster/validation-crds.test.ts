import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { formatFieldError, prepareCustomResource } from '../../../src/devcluster/validation.js';

/** The project's CRDs (compiled tests live in dist/test/unit/devcluster). */
const CRD_DIR = fileURLToPath(new URL('../../../../crds/', import.meta.url));

function schemaOf(kind: string): object | undefined {
  if (!existsSync(CRD_DIR)) return undefined;
  for (const file of readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(CRD_DIR + file, 'utf8'));
    if (crd?.spec?.names?.kind === kind) return crd.spec.versions[0].schema.openAPIV3Schema;
  }
  return undefined;
}

function check(schema: object, obj: Record<string, unknown>, old?: Record<string, unknown>) {
  const r = prepareCustomResource(
    old ? { schema, obj, old, strict: false } : { schema, obj, strict: false },
  );
  return { ...r, messages: r.errors.map(formatFieldError) };
}

const org = (spec: Record<string, unknown>, name = 'acme', status?: object) => ({
  apiVersion: 'schema.streamspace.io/v1alpha1',
  kind: 'Organization',
  metadata: { name },
  spec,
  ...(status ? { status } : {}),
});

const smig = (spec: Record<string, unknown>) => ({
  apiVersion: 'schema.streamspace.io/v1alpha1',
  kind: 'SchemaMigration',
  metadata: { name: 'api', namespace: 'streamspace' },
  spec: { database: { urlSecretRef: { name: 'db' } }, source: { bundled: 'streamspace' }, ...spec },
});

describe('the Organization CRD', function () {
  const schema = schemaOf('Organization');
  before(function () {
    if (!schema) this.skip();
  });

  it('default a minimal organization', () => {
    const r = check(schema!, org({ displayName: 'Acme' }));
    expect(r.messages).to.deep.equal([]);
    expect(r.obj.spec).to.deep.equal({
      displayName: 'Acme',
      namespace: 'streamspace',
      suspended: false,
      deletionPolicy: 'Retain',
      adoptNamespace: false,
    });
  });

  const cases: Array<[string, Record<string, unknown>, string, string[]]> = [
    [
      'refuse an unknown deletion policy',
      { displayName: 'A', deletionPolicy: 'Keep' },
      'acme',
      ['spec.deletionPolicy: Unsupported value: "Keep": supported values: "Retain", "Delete"'],
    ],
    ['require a display name', {}, 'acme', ['spec.displayName: Required value']],
    [
      'refuse a namespace that is no DNS label',
      { displayName: 'A', namespace: 'Kube' },
      'acme',
      [
        'spec.namespace: Invalid value: "Kube": spec.namespace in body should match \'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\'',
      ],
    ],
    [
      'refuse a reserved namespace',
      { displayName: 'A', namespace: 'kube-system' },
      'acme',
      [
        'spec.namespace: Invalid value: "string": namespace must not be a reserved namespace (kube-*, default, schema-operator-system)',
      ],
    ],
    [
      'refuse an id that is no DNS label',
      { displayName: 'A' },
      'Acme',
      [
        '<nil>: Invalid value: "object": metadata.name (the organization id) must be a DNS-1123 label of at most 63 characters',
      ],
    ],
  ];
  for (const [name, spec, id, expected] of cases) {
    it(name, () => {
      const messages = check(schema!, org(spec, id)).messages;
      expect(messages.filter((m) => !m.startsWith('<nil>: Invalid value: null'))).to.deep.equal(
        expected,
      );
    });
  }

  it('refuse changing the namespace on update', () => {
    const old = org({ displayName: 'A', namespace: 'a' });
    const r = check(schema!, org({ displayName: 'A', namespace: 'b' }), old);
    expect(r.messages).to.deep.equal([
      'spec.namespace: Invalid value: "object": spec.namespace is immutable once set',
    ]);
  });

  it('allow an update that keeps the namespace', () => {
    const old = org({ displayName: 'A', namespace: 'a' });
    expect(check(schema!, org({ displayName: 'B', namespace: 'a' }), old).messages).to.deep.equal(
      [],
    );
  });

  it('refuse two conditions of one type', () => {
    const cond = (type: string) => ({
      type,
      status: 'True',
      lastTransitionTime: '2024-01-01T00:00:00Z',
      reason: 'Done',
      message: '',
    });
    const r = check(
      schema!,
      org({ displayName: 'A' }, 'acme', { conditions: [cond('Ready'), cond('Ready')] }),
    );
    expect(r.messages).to.deep.equal(['status.conditions[1]: Duplicate value: {"type":"Ready"}']);
  });
});

describe('the SchemaMigration CRD', function () {
  const schema = schemaOf('SchemaMigration');
  before(function () {
    if (!schema) this.skip();
  });

  it('default the secret key, ledger table and policy', () => {
    const r = check(schema!, smig({}));
    expect(r.messages).to.deep.equal([]);
    const spec = r.obj.spec as Record<string, unknown>;
    expect(spec.database).to.deep.equal({ urlSecretRef: { name: 'db', key: 'url' } });
    expect(spec.historyTable).to.deep.equal({ schema: 'public', name: 'schema_operator_history' });
    expect(spec.policy).to.deep.include({
      lockTimeout: '5s',
      statementTimeout: '30m',
      maxRetries: 10,
    });
  });

  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    [
      'refuse two sources',
      { source: { bundled: 'streamspace', configMaps: [{ name: 'a' }] } },
      [
        'spec.source: Invalid value: "object": exactly one of configMaps, inline or bundled must be set',
      ],
    ],
    [
      'refuse two inline migrations of one version',
      {
        source: {
          inline: [
            { version: '1', name: 'a', sql: 'select 1' },
            { version: '1', name: 'b', sql: 'select 2' },
          ],
        },
      },
      ['spec.source.inline[1]: Duplicate value: {"version":"1"}'],
    ],
    [
      'refuse baseline together with adoptExisting',
      { policy: { baseline: { version: '5' }, adoptExisting: true } },
      ['spec.policy: Forbidden: baseline and adoptExisting exclude each other'],
    ],
    [
      'refuse a malformed lock timeout',
      { policy: { lockTimeout: '5 seconds' } },
      [
        'spec.policy.lockTimeout: Invalid value: "5 seconds": spec.policy.lockTimeout in body should match \'^([0-9]+(ms|s|m|h))+$\'',
      ],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => expect(check(schema!, smig(spec)).messages).to.deep.equal(expected));
  }

  it('refuse changing the ledger table on update', () => {
    const r = check(schema!, smig({ historyTable: { name: 'other' } }), smig({}));
    expect(r.messages).to.deep.equal([
      'spec.historyTable: Invalid value: "object": historyTable is immutable; create a new SchemaMigration to use another ledger table',
    ]);
  });

  it('validate thousands of objects quickly (time printed, not asserted)', () => {
    const objects = Array.from({ length: 5000 }, (_, i) =>
      smig({
        targetVersion: String(i),
        source: { configMaps: [{ name: `m${i}` }, { name: 'n' }] },
      }),
    );
    const started = performance.now();
    for (const obj of objects) check(schema!, obj, obj);
    const ms = performance.now() - started;
    console.log(
      `      validated ${objects.length} SchemaMigrations (with oldSelf) in ${ms.toFixed(0)} ms`,
    );
  });
});
