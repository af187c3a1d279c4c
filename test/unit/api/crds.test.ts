import { expect } from 'chai';
import { DURATION_PATTERN } from '../../../src/engine/duration.js';
import {
  API_VERSION,
  GROUP,
  ORGANIZATION,
  ORGANIZATION_CLASS,
  SCHEMA_MIGRATION,
  VERSION,
  loadCrds,
  type Crd,
  type SchemaNode,
} from '../../../src/api/index.js';

/** Every schema node under `node` with its path. */
function nodes(node: SchemaNode, path = ''): Array<[string, SchemaNode]> {
  const out: Array<[string, SchemaNode]> = [[path || '<root>', node]];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    out.push(...nodes(child, `${path}.${key}`));
  }
  if (node.items) out.push(...nodes(node.items, `${path}[]`));
  return out;
}

describe('the CRDs in crds/', () => {
  let crds: Crd[];
  before(async () => {
    crds = await loadCrds();
  });
  const byKind = (kind: string): Crd => crds.find((c) => c.spec.names.kind === kind)!;
  const schemaOf = (kind: string): SchemaNode =>
    byKind(kind).spec.versions[0]!.schema.openAPIV3Schema;

  it('loads the three CRDs, SchemaMigration first', () => {
    expect(crds.map((c) => c.spec.names.kind)).to.deep.equal([
      'SchemaMigration',
      'Organization',
      'OrganizationClass',
    ]);
  });

  const names: Array<
    [typeof SCHEMA_MIGRATION | typeof ORGANIZATION | typeof ORGANIZATION_CLASS, string, string]
  > = [
    [SCHEMA_MIGRATION, 'Namespaced', 'schemamigrations.schema.streamspace.io'],
    [ORGANIZATION, 'Cluster', 'organizations.schema.streamspace.io'],
    [ORGANIZATION_CLASS, 'Cluster', 'organizationclasses.schema.streamspace.io'],
  ];
  for (const [k, scope, name] of names) {
    it(`names ${k.kind} ${name}, ${scope}, short name ${k.shortName}, as the constants say`, () => {
      const crd = byKind(k.kind);
      expect(crd.apiVersion).to.equal('apiextensions.k8s.io/v1');
      expect(crd.metadata.name).to.equal(`${k.plural}.${GROUP}`).and.equal(name);
      expect(crd.spec.group).to.equal(GROUP);
      expect(crd.spec.scope).to.equal(scope);
      expect(k.namespaced).to.equal(scope === 'Namespaced');
      expect(crd.spec.names).to.include({ kind: k.kind, plural: k.plural });
      expect(crd.spec.names.shortNames).to.deep.equal([k.shortName]);
      expect(crd.spec.names.categories).to.include('streamspace');
    });

    it(`serves and stores only ${VERSION} of ${k.kind}, with the status subresource`, () => {
      const crd = byKind(k.kind);
      expect(crd.spec.versions).to.have.length(1);
      expect(crd.spec.versions[0]).to.include({ name: VERSION, served: true, storage: true });
      expect(crd.spec.versions[0]!.subresources).to.deep.equal({ status: {} });
      expect(crd.spec).not.to.have.property('preserveUnknownFields');
      expect(API_VERSION).to.equal(`${crd.spec.group}/${VERSION}`);
    });

    it(`gives every ${k.kind} field a type and a description`, () => {
      const bad = nodes(schemaOf(k.kind)).filter(([, n]) => !n.type || !n.description);
      expect(bad.map(([p]) => p)).to.deep.equal([]);
    });

    it(`bounds every ${k.kind} string and list, for CEL cost estimation`, () => {
      const unbounded = nodes(schemaOf(k.kind)).filter(
        ([path, n]) =>
          (n.type === 'string' &&
            n.maxLength === undefined &&
            !n.enum &&
            n.format !== 'date-time' &&
            !['.apiVersion', '.kind'].includes(path)) ||
          (n.type === 'array' && n.maxItems === undefined),
      );
      expect(unbounded.map(([p]) => p)).to.deep.equal([]);
    });

    it(`preserves no unknown fields in ${k.kind}, and only metadata is an open object`, () => {
      const all = nodes(schemaOf(k.kind));
      expect(all.filter(([, n]) => n['x-kubernetes-preserve-unknown-fields'])).to.deep.equal([]);
      // A map (additionalProperties) has typed values: not open.
      const open = all
        .filter(([, n]) => n.type === 'object' && !n.properties && !n.additionalProperties)
        .map(([p]) => p);
      expect(open).to.deep.equal(['.metadata']);
    });

    it(`gives ${k.kind} metav1.Condition conditions, a map keyed on type`, () => {
      const c = schemaOf(k.kind).properties!.status!.properties!.conditions!;
      expect(c['x-kubernetes-list-type']).to.equal('map');
      expect(c['x-kubernetes-list-map-keys']).to.deep.equal(['type']);
      const item = c.items!;
      expect(item.required).to.have.members([
        'type',
        'status',
        'lastTransitionTime',
        'reason',
        'message',
      ]);
      expect(item.properties!.status!.enum).to.deep.equal(['True', 'False', 'Unknown']);
      expect(item.properties!.lastTransitionTime!.format).to.equal('date-time');
      expect(item.properties!.observedGeneration!.type).to.equal('integer');
      expect(item.properties!.reason!.pattern).to.be.a('string');
    });
  }

  it('uses the engine duration grammar for both timeouts', () => {
    const policy = schemaOf('SchemaMigration').properties!.spec!.properties!.policy!.properties!;
    expect(policy.lockTimeout!.pattern).to.equal(DURATION_PATTERN);
    expect(policy.statementTimeout!.pattern).to.equal(DURATION_PATTERN);
  });

  it('defaults the policy and history table as DESIGN section 4 says', () => {
    const spec = schemaOf('SchemaMigration').properties!.spec!.properties!;
    const policy = spec.policy!.properties!;
    expect(policy.lockTimeout!.default).to.equal('5s');
    expect(policy.statementTimeout!.default).to.equal('30m');
    expect(policy.maxRetries!.default).to.equal(10);
    expect(policy.outOfOrder!.default).to.equal(false);
    expect(policy.adoptExisting!.default).to.equal(false);
    expect(spec.historyTable!.properties!.schema!.default).to.equal('public');
    expect(spec.historyTable!.properties!.name!.default).to.equal('schema_operator_history');
    expect(spec.database!.properties!.urlSecretRef!.properties!.key!.default).to.equal('url');
    expect(spec.suspend!.default).to.equal(false);
  });

  const columns: Array<[string, Array<[string, string]>]> = [
    [
      'SchemaMigration',
      [
        ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
        ['Applied', '.status.appliedVersion'],
        ['Pending', '.status.counts.pending'],
        ['Age', '.metadata.creationTimestamp'],
      ],
    ],
    [
      'Organization',
      [
        ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
        ['Namespace', '.spec.namespace'],
        ['Class', '.status.className'],
        ['Phase', '.status.phase'],
        ['Age', '.metadata.creationTimestamp'],
      ],
    ],
    [
      'OrganizationClass',
      [
        ['Default', '.metadata.annotations.schema\\.streamspace\\.io/is-default-class'],
        ['Orgs', '.status.organizations.total'],
        ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
        ['Age', '.metadata.creationTimestamp'],
      ],
    ],
  ];
  for (const [kind, expected] of columns) {
    it(`prints ${expected.map(([n]) => n).join(', ')} for ${kind} by default`, () => {
      const shown = byKind(kind)
        .spec.versions[0]!.additionalPrinterColumns!.filter((c) => !c.priority)
        .map((c) => [c.name, c.jsonPath]);
      expect(shown).to.deep.equal(expected);
    });
  }
});
