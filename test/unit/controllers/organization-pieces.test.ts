import { expect } from 'chai';
import type { Organization } from '../../../src/api/index.js';
import { ORG_FINALIZER } from '../../../src/controllers/organization/deps.js';
import { finalizerWriter } from '../../../src/controllers/organization/finalizer-writer.js';
import { countedDatabase, phaseCounts } from '../../../src/controllers/organization/metrics.js';
import { namespaceWriter } from '../../../src/controllers/organization/namespace-writer.js';
import type { OrgDatabase } from '../../../src/controllers/organization/sql.js';
import { statusFor } from '../../../src/controllers/organization/status.js';
import { ConflictError, NotFoundError, type KubeObject } from '../../../src/kube/index.js';
import type { OperatorMetrics } from '../../../src/observability/index.js';

/** Counters as the metrics object exposes them, recording what was counted. */
function fakeMetrics() {
  const counted: string[] = [];
  const counter = (name: string) => ({
    inc: (labels: Record<string, string>) => void counted.push(`${name} ${Object.values(labels)}`),
  });
  const metrics = {
    organizationRows: counter('rows'),
    organizationNamespaceOps: counter('ns'),
  } as unknown as OperatorMetrics;
  return { metrics, counted };
}

function org(over: Partial<Organization['metadata']> = {}): Organization {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name: 'acme', uid: 'u1', generation: 1, resourceVersion: '5', ...over },
    spec: { displayName: 'Acme' },
  };
}

describe('organization/namespace-writer', () => {
  it('counts each namespace write by operation', async () => {
    const { metrics, counted } = fakeMetrics();
    const client = {
      create: async (o: KubeObject) => o,
      mergePatch: async () => ({}) as KubeObject,
      delete: async () => undefined,
    };
    const w = namespaceWriter({ client: client as never, metrics });
    await w.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
    await w.patch('a', { metadata: {} });
    await w.delete('a');
    expect(counted).to.deep.equal(['ns create', 'ns patch', 'ns delete']);
  });

  it('takes a namespace already gone as deleted, without counting it', async () => {
    const { metrics, counted } = fakeMetrics();
    const client = {
      delete: async () => Promise.reject(new NotFoundError('NotFound', 'gone')),
    };
    await namespaceWriter({ client: client as never, metrics }).delete('a');
    expect(counted).to.deep.equal([]);
  });

  it('throws any other delete failure', async () => {
    const client = { delete: async () => Promise.reject(new ConflictError('Conflict', 'busy')) };
    const err = await namespaceWriter({ client: client as never })
      .delete('a')
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConflictError);
  });
});

describe('organization/finalizer-writer', () => {
  it('adds the finalizer once per uid, even while the cache still shows it missing', async () => {
    const patches: unknown[] = [];
    const client = {
      mergePatch: async (_k: unknown, p: unknown) => {
        patches.push(p);
        return org({ finalizers: [ORG_FINALIZER] });
      },
    };
    const w = finalizerWriter(client as never);
    await w.add(org());
    await w.add(org());
    expect(patches).to.have.length(1);
    w.forget(org() as never);
    await w.add(org());
    expect(patches).to.have.length(2);
  });

  it('removes the finalizer of an object already gone without an error', async () => {
    const client = {
      jsonPatch: async () => Promise.reject(new NotFoundError('NotFound', 'gone')),
    };
    await finalizerWriter(client as never).remove(org({ finalizers: [ORG_FINALIZER] }));
  });
});

describe('organization/metrics', () => {
  it('counts row outcomes, a blocked delete as delete-blocked', async () => {
    const { metrics, counted } = fakeMetrics();
    const db: OrgDatabase = {
      upsert: async () => ({ outcome: 'written' }) as never,
      markDeleted: async () => true,
      references: async () => [{ table: 't', rows: 1 }] as never,
      deleteRow: async () => ({ outcome: 'blocked', references: [] }) as never,
      end: async () => undefined,
    };
    const c = countedDatabase(db, metrics);
    await c.upsert({} as never);
    await c.markDeleted('a', 'u');
    await c.references('a');
    await c.deleteRow('a', 'u');
    expect(counted).to.deep.equal([
      'rows written',
      'rows marked-deleted',
      'rows delete-blocked',
      'rows delete-blocked',
    ]);
  });

  it('counts Organizations by phase, Unknown for one without status', () => {
    const withPhase = (phase: string) => ({ ...org(), status: { phase } }) as Organization;
    const counts = phaseCounts([withPhase('Active'), withPhase('Active'), org()]);
    expect([...counts]).to.deep.equal([
      ['Active', 2],
      ['Unknown', 1],
    ]);
  });
});

describe('organization/status', () => {
  const stamp = { generation: 3, now: new Date('2026-01-02T03:04:05.678Z') };

  it('stamps every condition it sets with the generation and time given once', () => {
    const st = statusFor(undefined, stamp);
    st.pending({ on: 'database', reason: 'SchemaNotReady', message: 'waiting' });
    for (const c of st.status.conditions!)
      expect(c, c.type).to.include({
        observedGeneration: 3,
        lastTransitionTime: '2026-01-02T03:04:05Z',
      });
    expect(st.status.observedGeneration).to.equal(3);
  });

  it('a conflict holds up the condition it names and sets the Conflict phase', () => {
    const st = statusFor(undefined, stamp);
    st.conflict({ on: 'namespace', reason: 'NamespaceTaken', message: 'taken' });
    const ns = st.status.conditions!.find((c) => c.type === 'NamespaceReady');
    expect(ns).to.include({ status: 'False', reason: 'NamespaceTaken', message: 'taken' });
    expect(st.status.phase).to.equal('Conflict');
  });

  it('synced clears a Stalled condition left by a blocked deletion', () => {
    const st = statusFor(undefined, stamp);
    st.stalled({ reason: 'DeletionBlocked', message: 'rows' });
    const again = statusFor(st.status, stamp);
    again.synced({ suspended: false });
    const stalled = again.status.conditions!.find((c) => c.type === 'Stalled');
    expect(stalled).to.include({ status: 'False', reason: 'Progressing' });
    expect(again.status.phase).to.equal('Active');
  });
});
