import { expect } from 'chai';
import { DatabaseRegistry } from '../../../src/controllers/database-pools.js';
import {
  ADOPTED_ANNOTATION,
  CREATED_LABEL,
  CREATED_VALUE,
  createdBy,
  decideNamespace,
  isReserved,
  ORG_ANNOTATION,
  ORG_UID_ANNOTATION,
  SUSPENDED_LABEL,
  type NamespaceDecision,
} from '../../../src/controllers/organization/namespace.js';
import {
  namespacePattern,
  reservedNamespaces,
  type NamespacePolicy,
} from '../../../src/controllers/organization/namespace-policy.js';
import type { KubeObject } from '../../../src/kube/index.js';
import { org, smig, world } from '../../support/organization-world.js';

const me = { id: 'acme', uid: 'u1', adopt: false, suspended: false };

function ns(name: string, annotations?: Record<string, string>, labels?: Record<string, string>) {
  return { metadata: { name, annotations, labels, resourceVersion: '7' } } as KubeObject;
}

describe('organization namespace rules', () => {
  const cases: Array<{
    title: string;
    name: string;
    existing?: KubeObject;
    who?: Partial<typeof me>;
    kind: NamespaceDecision['kind'];
    check?: (d: NamespaceDecision) => void;
    policy?: NamespacePolicy;
  }> = [
    { title: 'refuses kube-system', name: 'kube-system', kind: 'refuse' },
    { title: 'refuses any kube-* namespace', name: 'kube-foo', kind: 'refuse' },
    { title: 'refuses default', name: 'default', kind: 'refuse' },
    { title: "refuses the operator's own namespace", name: 'ops', kind: 'refuse' },
    {
      title:
        'creates a missing namespace annotated with the org id and UID, without ownerReferences',
      name: 'acme',
      kind: 'create',
      check: (d) => {
        const m = (d as { object: KubeObject }).object.metadata!;
        expect(m.annotations).to.deep.equal({
          [ORG_ANNOTATION]: 'acme',
          [ORG_UID_ANNOTATION]: 'u1',
        });
        expect(m.labels![CREATED_LABEL]).to.equal(CREATED_VALUE);
        expect(m).not.to.have.property('ownerReferences');
      },
    },
    {
      title: 'creates a missing namespace of a suspended org already labelled suspended',
      name: 'acme',
      who: { suspended: true },
      kind: 'create',
      check: (d) =>
        expect((d as { object: KubeObject }).object.metadata!.labels![SUSPENDED_LABEL]).to.equal(
          'true',
        ),
    },
    {
      title: 'creates the shared namespace without claiming it',
      name: 'streamspace',
      kind: 'create',
      check: (d) => {
        const m = (d as { object: KubeObject }).object.metadata!;
        expect(m.annotations).to.equal(undefined);
        expect(m.labels).not.to.have.property(CREATED_LABEL);
      },
    },
    {
      title: 'uses the shared namespace whoever else uses it, and never labels it',
      name: 'streamspace',
      existing: ns('streamspace'),
      who: { suspended: true },
      kind: 'ready',
      check: (d) => expect((d as { patch?: unknown }).patch).to.equal(undefined),
    },
    {
      title: 'uses its own namespace without a patch when nothing changed',
      name: 'acme',
      existing: ns('acme', { [ORG_ANNOTATION]: 'acme', [ORG_UID_ANNOTATION]: 'u1' }),
      kind: 'ready',
      check: (d) => expect((d as { patch?: unknown }).patch).to.equal(undefined),
    },
    {
      title: 'is a Conflict when the namespace is annotated for another org',
      name: 'acme',
      existing: ns('acme', { [ORG_ANNOTATION]: 'other', [ORG_UID_ANNOTATION]: 'u9' }),
      who: { adopt: true },
      kind: 'conflict',
    },
    {
      title: 'is a Conflict when the namespace exists and belongs to no org',
      name: 'acme',
      existing: ns('acme'),
      kind: 'conflict',
    },
    {
      title: 'adopts an unannotated namespace with adoptNamespace, guarded by its resourceVersion',
      name: 'acme',
      existing: ns('acme'),
      who: { adopt: true },
      kind: 'ready',
      check: (d) =>
        expect((d as { patch?: unknown }).patch).to.deep.equal({
          metadata: {
            annotations: {
              [ORG_ANNOTATION]: 'acme',
              [ORG_UID_ANNOTATION]: 'u1',
              [ADOPTED_ANNOTATION]: 'true',
            },
            resourceVersion: '7',
          },
        }),
    },
    {
      title: 'labels its namespace when suspended and only then',
      name: 'acme',
      existing: ns('acme', { [ORG_ANNOTATION]: 'acme', [ORG_UID_ANNOTATION]: 'u1' }),
      who: { suspended: true },
      kind: 'ready',
      check: (d) =>
        expect(
          (d as unknown as { patch: { metadata: { labels: unknown } } }).patch.metadata.labels,
        ).to.deep.equal({ [SUSPENDED_LABEL]: 'true' }),
    },
    {
      title: 'removes the label on resume',
      name: 'acme',
      existing: ns(
        'acme',
        { [ORG_ANNOTATION]: 'acme', [ORG_UID_ANNOTATION]: 'u1' },
        { [SUSPENDED_LABEL]: 'true' },
      ),
      kind: 'ready',
      check: (d) =>
        expect(
          (d as unknown as { patch: { metadata: { labels: unknown } } }).patch.metadata.labels,
        ).to.deep.equal({ [SUSPENDED_LABEL]: null }),
    },
    {
      title: 'is a Conflict for a namespace made beforehand with the org id but no UID',
      name: 'acme',
      existing: ns('acme', { [ORG_ANNOTATION]: 'acme' }),
      kind: 'conflict',
      check: (d) =>
        expect((d as { message: string }).message).to.contain('set spec.adoptNamespace'),
    },
    {
      title: 'is a Conflict for a namespace kept by Retain for an earlier object of the same name',
      name: 'acme',
      existing: ns(
        'acme',
        { [ORG_ANNOTATION]: 'acme', [ORG_UID_ANNOTATION]: 'u0' },
        { [CREATED_LABEL]: CREATED_VALUE },
      ),
      kind: 'conflict',
    },
    {
      title:
        'adopts a namespace kept by Retain only with adoptNamespace, as adopted, dropping the created label',
      name: 'acme',
      existing: ns(
        'acme',
        { [ORG_ANNOTATION]: 'acme', [ORG_UID_ANNOTATION]: 'u0' },
        { [CREATED_LABEL]: CREATED_VALUE },
      ),
      who: { adopt: true },
      kind: 'ready',
      check: (d) =>
        expect((d as { patch?: unknown }).patch).to.deep.equal({
          metadata: {
            annotations: {
              [ORG_ANNOTATION]: 'acme',
              [ORG_UID_ANNOTATION]: 'u1',
              [ADOPTED_ANNOTATION]: 'true',
            },
            labels: { [CREATED_LABEL]: null },
            resourceVersion: '7',
          },
        }),
    },
    {
      title: 'refuses a name the install reserves',
      name: 'istio-system',
      policy: { reserved: ['istio-system'] },
      kind: 'refuse',
    },
    {
      title: "refuses a name outside the install's pattern",
      name: 'istio-system',
      policy: { pattern: namespacePattern('org-[a-z0-9-]+') },
      kind: 'refuse',
      check: (d) => expect((d as { message: string }).message).to.contain('org-[a-z0-9-]+'),
    },
    {
      title: "accepts a name inside the install's pattern",
      name: 'org-acme',
      policy: { pattern: namespacePattern('org-[a-z0-9-]+') },
      kind: 'create',
    },
    {
      title: 'keeps the shared namespace usable whatever the pattern',
      name: 'streamspace',
      existing: ns('streamspace'),
      policy: { pattern: namespacePattern('org-.*') },
      kind: 'ready',
    },
    {
      title: 'waits for a namespace that is being deleted',
      name: 'acme',
      existing: { metadata: { name: 'acme', deletionTimestamp: '2026-01-01T00:00:00Z' } },
      kind: 'wait',
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const d = decideNamespace(c.name, { ...me, ...c.who }, c.existing, {
        operatorNamespace: 'ops',
        ...c.policy,
      });
      expect(d.kind).to.equal(c.kind);
      c.check?.(d);
    });
  }

  it('reserves kube-*, default and the operator namespace only', () => {
    expect(
      ['kube-system', 'kube-public', 'default', 'ops'].map((n) => isReserved(n, 'ops')),
    ).to.deep.equal([true, true, true, true]);
    expect(['acme', 'kubesystem', 'streamspace'].map((n) => isReserved(n, 'ops'))).to.deep.equal([
      false,
      false,
      false,
    ]);
  });

  it('reads the install flags: a comma list of reserved names, a pattern matched in full', () => {
    expect(reservedNamespaces(' istio-system, ,cert-manager ')).to.deep.equal([
      'istio-system',
      'cert-manager',
    ]);
    expect(namespacePattern('org-.*').test('my-org-x')).to.equal(false);
    expect(() => namespacePattern('(')).to.throw(/--org-namespace-pattern/);
  });

  it('lets Delete remove only a namespace the org created (not adopted, not shared, not another UID)', () => {
    const mine = { [ORG_ANNOTATION]: 'acme', [ORG_UID_ANNOTATION]: 'u1' };
    const made = { [CREATED_LABEL]: CREATED_VALUE };
    expect(createdBy(ns('acme', mine, made), me)).to.equal(true);
    expect(createdBy(ns('acme', mine), me)).to.equal(false);
    expect(createdBy(ns('acme', mine, made), { ...me, uid: '' })).to.equal(false);
    expect(createdBy(ns('acme', { ...mine, [ADOPTED_ANNOTATION]: 'true' }), me)).to.equal(false);
    expect(createdBy(ns('acme', { ...mine, [ORG_UID_ANNOTATION]: 'u2' }), me)).to.equal(false);
    expect(createdBy(ns('streamspace', mine), me)).to.equal(false);
    expect(createdBy(undefined, me)).to.equal(false);
  });
});

describe('organization reconciler', () => {
  it('waits for a SchemaMigration that is not Ready with a condition, not an error, and writes nothing to the database', async () => {
    const w = world();
    w.add(org('acme', { namespace: 'acme' }));
    w.smigs.set('db/api', smig(false));
    const result = await w.run('acme');
    expect(result).to.deep.equal({});
    expect(w.condition('acme', 'DatabaseSynced')).to.include({
      status: 'False',
      reason: 'SchemaNotReady',
    });
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Pending');
    expect(w.table.rows.size).to.equal(0);
    expect(w.events).to.deep.equal(['Normal SchemaNotReady acme']);
  });

  it('says the SchemaMigration does not exist, and the same for a missing default', async () => {
    const w = world({ defaultRef: true });
    w.add(org('acme', { databaseRef: undefined }));
    await w.run('acme');
    expect(w.condition('acme', 'DatabaseSynced')!.message).to.equal(
      'SchemaMigration db/api does not exist',
    );
  });

  it('uses the operator-wide default reference when the org names none', async () => {
    const w = world({ defaultRef: true });
    w.add(org('acme', { databaseRef: undefined }));
    w.smigs.set('db/api', smig(true));
    await w.run('acme');
    expect(w.table.rows.get('acme')).to.include({ id: 'acme', name: 'acme', status: 'active' });
  });

  it('names the gap when no reference and no default exist', async () => {
    const w = world();
    w.add(org('acme', { databaseRef: undefined }));
    await w.run('acme');
    expect(w.condition('acme', 'DatabaseSynced')!.reason).to.equal('NoDatabaseRef');
  });

  it('becomes Ready once the schema is, with the row and the namespace', async () => {
    const w = world();
    w.add(org('acme', { namespace: 'acme', description: 'd' }));
    w.smigs.set('db/api', smig(false));
    await w.run('acme');
    w.smigs.set('db/api', smig(true));
    await w.run('acme');
    const o = w.orgs.get('acme')!;
    expect(o.status!.phase).to.equal('Active');
    expect(o.status!.namespace).to.equal('acme');
    expect(w.condition('acme', 'Ready')).to.include({ status: 'True', observedGeneration: 1 });
    expect(w.table.rows.get('acme')).to.include({
      displayName: 'Org acme',
      description: 'd',
      namespace: 'acme',
    });
    expect(w.events).to.deep.equal(['Normal SchemaNotReady acme', 'Normal Active acme']);
  });

  it('sends no second upsert on a wake-up that changed nothing; a new spec or the retry annotation does', async () => {
    const w = world();
    w.add(org('acme', { namespace: 'acme' }));
    w.smigs.set('db/api', smig(true));
    await w.run('acme');
    expect(w.table.upserts).to.equal(1);
    // The namespace it created appearing in the cache, its SchemaMigration's status moving.
    await w.run('acme');
    await w.run('acme');
    expect(w.table.upserts).to.equal(1);
    expect(w.condition('acme', 'Ready')).to.include({ status: 'True' });
    const o = w.orgs.get('acme')!;
    o.spec.displayName = 'Acme Inc';
    o.metadata.generation = 2;
    await w.run('acme');
    expect(w.table.upserts).to.equal(2);
    expect(w.table.rows.get('acme')!.displayName).to.equal('Acme Inc');
    o.metadata.annotations = { 'schema.streamspace.io/retry': '1' };
    await w.run('acme');
    expect(w.table.upserts).to.equal(3);
    await w.run('acme');
    expect(w.table.upserts).to.equal(3);
  });

  it('sends a row whose upsert failed again on the next pass', async () => {
    const w = world();
    w.add(org('acme', { namespace: 'acme' }));
    w.smigs.set('db/api', smig(true));
    await w.run('acme');
    w.table.fail = new Error('connection reset');
    w.orgs.get('acme')!.spec.displayName = 'Acme Inc';
    await w.run('acme').catch(() => undefined);
    w.table.fail = undefined;
    await w.run('acme');
    await w.run('acme');
    expect(w.table.upserts).to.equal(3);
    expect(w.table.rows.get('acme')!.displayName).to.equal('Acme Inc');
  });

  it('makes no write at all on a second pass with nothing changed', async () => {
    const w = world();
    w.add(org('acme', { namespace: 'acme' }));
    w.smigs.set('db/api', smig(true));
    await w.run('acme');
    expect(w.writes).to.deep.equal([
      'finalizer+ organization/acme',
      'create namespace/acme',
      'status organization/acme',
    ]);
    w.writes.length = 0;
    await w.run('acme');
    expect(w.writes).to.deep.equal([]);
    expect(w.table.rows.get('acme')!.writes).to.equal(1);
    expect(w.events).to.have.length(1);
  });

  it('refuses kube-system in code too (a CRD without the CEL rule)', async () => {
    const w = world();
    w.add(org('acme', { namespace: 'kube-system' }));
    w.smigs.set('db/api', smig(true));
    await w.run('acme');
    expect(w.condition('acme', 'NamespaceReady')).to.include({
      status: 'False',
      reason: 'ReservedNamespace',
    });
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Conflict');
    expect(w.writes.filter((x) => x.includes('namespace/'))).to.deep.equal([]);
    expect(w.table.rows.size).to.equal(0);
    expect(w.events).to.deep.equal(['Warning ReservedNamespace acme']);
  });

  it("refuses the operator's own namespace", async () => {
    const w = world({ operatorNamespace: 'schema-system' });
    w.add(org('acme', { namespace: 'schema-system' }));
    await w.run('acme');
    expect(w.condition('acme', 'NamespaceReady')!.reason).to.equal('ReservedNamespace');
  });

  it('gives a namespace to the first of two orgs claiming it; the second is a Conflict and writes nothing', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.add(org('first', { namespace: 'shared-team' }));
    w.add(org('second', { namespace: 'shared-team' }));
    await w.run('first');
    await w.run('second');
    expect(w.namespaces.get('shared-team')!.metadata!.annotations![ORG_ANNOTATION]).to.equal(
      'first',
    );
    expect(w.orgs.get('second')!.status!.phase).to.equal('Conflict');
    expect(w.condition('second', 'NamespaceReady')!.message).to.equal(
      'namespace shared-team is annotated for organization first',
    );
    expect(w.table.rows.has('second')).to.equal(false);
  });

  it('is a Conflict for a namespace that exists and belongs to nobody, and adopts it when asked', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.namespaces.set('legacy', ns('legacy'));
    w.add(org('acme', { namespace: 'legacy' }));
    await w.run('acme');
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Conflict');
    w.orgs.get('acme')!.spec.adoptNamespace = true;
    w.orgs.get('acme')!.metadata.generation = 2;
    await w.run('acme');
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Active');
    expect(w.namespaces.get('legacy')!.metadata!.annotations![ADOPTED_ANNOTATION]).to.equal('true');
  });

  it('refuses a changed spec.namespace (immutable in code too) and touches nothing', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.add(org('acme', { namespace: 'acme' }));
    await w.run('acme');
    w.writes.length = 0;
    const o = w.orgs.get('acme')!;
    o.spec.namespace = 'elsewhere';
    o.metadata.generation = 2;
    await w.run('acme');
    expect(w.condition('acme', 'NamespaceReady')).to.include({
      status: 'False',
      reason: 'NamespaceImmutable',
    });
    expect(w.writes).to.deep.equal(['status organization/acme']);
    expect(w.table.rows.get('acme')!.namespace).to.equal('acme');
  });

  it('reports NameConflict when the name belongs to another id, and writes nothing', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    await w.table.upsert({
      id: 'uuid-1',
      name: 'acme',
      displayName: 'x',
      description: null,
      namespace: 'streamspace',
      status: 'active',
      uid: 'uid-other',
      adoptUnrecorded: false,
    });
    w.add(org('acme'));
    const r = await w.run('acme');
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    expect(w.condition('acme', 'DatabaseSynced')).to.include({
      status: 'False',
      reason: 'NameConflict',
    });
    expect(w.condition('acme', 'DatabaseSynced')!.message).to.contain('uuid-1');
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Conflict');
    expect(w.table.rows.has('acme')).to.equal(false);
  });

  it('suspends and resumes: row status and namespace label, nothing deleted', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    const o = w.add(org('acme', { namespace: 'acme' }));
    await w.run('acme');
    o.spec.suspended = true;
    o.metadata.generation = 2;
    await w.run('acme');
    expect(w.table.rows.get('acme')!.status).to.equal('suspended');
    expect(w.namespaces.get('acme')!.metadata!.labels![SUSPENDED_LABEL]).to.equal('true');
    expect(o.status!.phase).to.equal('Suspended');
    expect(w.condition('acme', 'Suspended')).to.include({ status: 'True', observedGeneration: 2 });
    o.spec.suspended = false;
    o.metadata.generation = 3;
    await w.run('acme');
    expect(w.table.rows.get('acme')!.status).to.equal('active');
    expect(w.namespaces.get('acme')!.metadata!.labels![SUSPENDED_LABEL]).to.equal(undefined);
    expect(o.status!.phase).to.equal('Active');
    expect(w.writes.filter((x) => x.startsWith('delete'))).to.deep.equal([]);
    expect(w.events).to.deep.equal([
      'Normal Active acme',
      'Normal Suspended acme',
      'Normal Active acme',
    ]);
  });

  it('puts a database error in status and throws it for a retry with backoff', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.add(org('acme'));
    w.table.fail = new Error('connection refused');
    let thrown: unknown;
    await w.run('acme').catch((e) => (thrown = e));
    expect((thrown as Error).message).to.equal('connection refused');
    expect(w.condition('acme', 'DatabaseSynced')).to.include({
      status: 'False',
      reason: 'DatabaseError',
    });
  });

  it('waits for a missing Secret with a requeue, not an error', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.secrets.clear();
    w.add(org('acme'));
    const r = await w.run('acme');
    expect(r.requeueAfterMs).to.equal(30_000);
    expect(w.condition('acme', 'DatabaseSynced')!.reason).to.equal('SecretNotFound');
  });
});

describe('organization deletion', () => {
  async function active(spec: Parameters<typeof org>[1] = {}, name = 'acme') {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.add(org(name, { namespace: name === 'default-org' ? 'streamspace' : name, ...spec }));
    await w.run(name);
    w.writes.length = 0;
    w.orgs.get(name)!.metadata.deletionTimestamp = '2026-11-26T00:00:00Z';
    return w;
  }

  it('with Retain marks the row deleted, keeps the namespace and lets the object go', async () => {
    const w = await active();
    await w.run('acme');
    expect(w.table.rows.get('acme')!.status).to.equal('deleted');
    expect(w.namespaces.has('acme')).to.equal(true);
    expect(w.orgs.has('acme')).to.equal(false);
    expect(w.writes).to.deep.equal(['finalizer- organization/acme']);
    expect(w.events.at(-1)).to.equal('Normal Retained acme');
    expect(w.held.has('acme')).to.equal(false);
  });

  it('with Delete removes the namespace it created and then the row', async () => {
    const w = await active({ deletionPolicy: 'Delete' });
    await w.run('acme');
    expect(w.table.rows.has('acme')).to.equal(false);
    expect(w.namespaces.has('acme')).to.equal(false);
    expect(w.writes).to.deep.equal(['delete namespace/acme', 'finalizer- organization/acme']);
  });

  it('with Delete keeps an adopted namespace', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.namespaces.set('legacy', ns('legacy'));
    w.add(org('acme', { namespace: 'legacy', adoptNamespace: true, deletionPolicy: 'Delete' }));
    await w.run('acme');
    w.orgs.get('acme')!.metadata.deletionTimestamp = 'now';
    await w.run('acme');
    expect(w.namespaces.has('legacy')).to.equal(true);
    expect(w.table.rows.has('acme')).to.equal(false);
  });

  it('with Delete never deletes the shared namespace', async () => {
    const w = await active({ namespace: 'streamspace', deletionPolicy: 'Delete' });
    await w.run('acme');
    expect(w.namespaces.has('streamspace')).to.equal(true);
  });

  it('with Delete is Stalled, deleting nothing, while rows reference the org', async () => {
    const w = await active({ deletionPolicy: 'Delete' });
    w.table.refs.set('acme', [{ table: 'sessions', rows: 3 }]);
    const r = await w.run('acme');
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    expect(w.condition('acme', 'Stalled')).to.include({
      status: 'True',
      reason: 'DeletionBlocked',
    });
    expect(w.condition('acme', 'Stalled')!.message).to.contain('3 in sessions');
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Terminating');
    expect(w.namespaces.has('acme')).to.equal(true);
    expect(w.table.rows.has('acme')).to.equal(true);
    expect(w.orgs.get('acme')!.metadata.finalizers).to.have.length(1);
    w.table.refs.delete('acme');
    await w.run('acme');
    expect(w.orgs.has('acme')).to.equal(false);
  });

  it('never touches default-org: refused with DefaultOrgProtected, no finalizer, the object may go', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.table.rows.set('default-org', {
      id: 'default-org',
      name: 'default',
      displayName: 'Default Organization',
      description: null,
      namespace: 'streamspace',
      status: 'active',
      uid: '',
      adoptUnrecorded: false,
      writes: 0,
    });
    w.add(
      org('default-org', { displayName: 'Renamed', suspended: true, deletionPolicy: 'Delete' }),
    );
    await w.run('default-org');
    expect(w.condition('default-org', 'DatabaseSynced')).to.include({
      status: 'False',
      reason: 'DefaultOrgProtected',
    });
    expect(w.orgs.get('default-org')!.status!.phase).to.equal('Conflict');
    expect(w.table.rows.get('default-org')).to.include({
      displayName: 'Default Organization',
      status: 'active',
      writes: 0,
    });
    expect(w.writes).to.deep.equal(['status organization/default-org']);
    w.orgs.get('default-org')!.metadata.deletionTimestamp = 'now';
    await w.run('default-org');
    expect(w.table.rows.has('default-org')).to.equal(true);
    expect(w.held.size).to.equal(0);
  });

  it('with Retain and a SchemaMigration that is gone, lets the object go with a Warning', async () => {
    const w = await active();
    w.smigs.clear();
    await w.run('acme');
    expect(w.orgs.has('acme')).to.equal(false);
    expect(w.events.at(-1)).to.equal('Warning RowNotMarked acme');
  });

  it('with a SchemaMigration not Ready, waits (Terminating) and keeps the finalizer', async () => {
    const w = await active();
    w.smigs.set('db/api', smig(false));
    await w.run('acme');
    expect(w.orgs.get('acme')!.status!.phase).to.equal('Terminating');
    expect(w.orgs.get('acme')!.metadata.finalizers).to.have.length(1);
  });
});

describe('database registry', () => {
  it('shares one handle per URL and closes it when the last holder lets go', async () => {
    const closed: string[] = [];
    const reg = new DatabaseRegistry({
      open: (url: string) => ({ url, end: async () => void closed.push(url) }),
    });
    const a = reg.acquire('org-a', 'postgres://x/1');
    const b = reg.acquire('org-b', 'postgres://x/1');
    expect(a).to.equal(b);
    expect(reg.size).to.equal(1);
    await reg.release('org-a');
    expect(closed).to.deep.equal([]);
    await reg.release('org-b');
    expect(closed).to.deep.equal(['postgres://x/1']);
    expect(reg.size).to.equal(0);
  });

  it('moves a holder to a new URL and closes the old handle when unused', async () => {
    const closed: string[] = [];
    const reg = new DatabaseRegistry({
      open: (url: string) => ({ url, end: async () => void closed.push(url) }),
    });
    reg.acquire('org-a', 'postgres://x/1');
    reg.acquire('org-a', 'postgres://x/2');
    await new Promise((r) => setImmediate(r));
    expect(closed).to.deep.equal(['postgres://x/1']);
    await reg.closeAll();
    expect(closed).to.deep.equal(['postgres://x/1', 'postgres://x/2']);
  });
});
