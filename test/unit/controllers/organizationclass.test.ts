import { expect } from 'chai';
import type { Organization, OrganizationClass } from '../../../src/api/index.js';
import {
  organizationClassReconciler,
  ROLLOUT_RECHECK_MS,
  type ClassDeps,
} from '../../../src/controllers/organizationclass/reconciler.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import {
  CLASS_FINALIZER,
  decideClass,
} from '../../../src/controllers/organizationclass/decision.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function cls(
  o: { finalizer?: boolean; deleting?: boolean; isDefault?: boolean } = {},
): OrganizationClass {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'OrganizationClass',
    metadata: {
      name: 'standard',
      generation: 4,
      ...(o.finalizer ? { finalizers: [CLASS_FINALIZER] } : {}),
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      ...(o.isDefault ? { annotations: { 'schema.streamspace.io/is-default-class': 'true' } } : {}),
    },
    spec: {},
  };
}

function org(
  name: string,
  policy?: { status: 'True' | 'False'; generation?: number; className?: string },
): Organization {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name },
    spec: { displayName: name, className: 'standard' },
    status: policy && {
      className: policy.className ?? 'standard',
      classGeneration: policy.generation ?? 4,
      conditions: [
        {
          type: 'PolicyApplied',
          status: policy.status,
          reason: 'X',
          message: '',
          lastTransitionTime: NOW.toISOString(),
        },
      ],
    },
  };
}

function ready(d: ReturnType<typeof decideClass>) {
  const c = d.status.conditions!.find((x) => x.type === 'Ready')!;
  return `${c.status} ${c.reason}`;
}

describe('organizationclass/decision', () => {
  const cases: Array<[string, Organization[], string, object]> = [
    ['is Ready with no organizations', [], 'True Applied', { total: 0, applied: 0, failed: 0 }],
    [
      'is Ready when every org has the current generation applied',
      [org('a', { status: 'True' }), org('b', { status: 'True' })],
      'True Applied',
      { total: 2, applied: 2, failed: 0 },
    ],
    [
      'is Applying while an org holds an older generation',
      [org('a', { status: 'True' }), org('b', { status: 'True', generation: 3 }), org('c')],
      'False Applying',
      { total: 3, applied: 1, failed: 0 },
    ],
    [
      'reports OrganizationsFailing when an org failed to apply it',
      [org('a', { status: 'True' }), org('b', { status: 'False' })],
      'False OrganizationsFailing',
      { total: 2, applied: 1, failed: 1 },
    ],
  ];
  for (const [name, orgs, want, counts] of cases)
    it(name, () => {
      const d = decideClass({ cls: cls({ finalizer: true }), orgs, defaults: 0, now: NOW });
      expect(ready(d)).to.equal(want);
      expect(d.status.organizations).to.deep.equal(counts);
      expect(d.status.observedGeneration).to.equal(4);
    });

  const finalizers: Array<[string, Parameters<typeof cls>[0], number, string]> = [
    ['adds the finalizer once an org uses the class', {}, 1, 'add'],
    ['keeps it while orgs use the class', { finalizer: true }, 1, 'keep'],
    ['removes it when no org uses the class', { finalizer: true }, 0, 'remove'],
    ['holds a deletion while orgs use the class', { finalizer: true, deleting: true }, 2, 'keep'],
    ['lets a deletion go once none do', { finalizer: true, deleting: true }, 0, 'remove'],
  ];
  for (const [name, c, n, want] of finalizers)
    it(name, () => {
      const orgs = Array.from({ length: n }, (_, i) => org(`o${i}`, { status: 'True' }));
      const d = decideClass({ cls: cls(c), orgs, defaults: 0, now: NOW });
      expect(d.finalizer).to.equal(want);
    });

  it('says why a deletion waits', () => {
    const d = decideClass({
      cls: cls({ finalizer: true, deleting: true }),
      orgs: [org('a', { status: 'True' })],
      defaults: 0,
      now: NOW,
    });
    expect(ready(d)).to.equal('False DeletionHeld');
  });

  it('marks each of several default classes ambiguous, and clears it once one is left', () => {
    const two = decideClass({ cls: cls({ isDefault: true }), orgs: [], defaults: 2, now: NOW });
    const amb = two.status.conditions!.find((c) => c.type === 'AmbiguousDefault')!;
    expect(amb).to.include({ status: 'True', reason: 'AmbiguousDefaultClass' });
    const later = { ...cls({ isDefault: true }), status: two.status };
    const one = decideClass({ cls: later, orgs: [], defaults: 1, now: NOW });
    expect(one.status.conditions!.find((c) => c.type === 'AmbiguousDefault')!.status).to.equal(
      'False',
    );
  });

  it('gives a class that is not the default no AmbiguousDefault condition', () => {
    const d = decideClass({ cls: cls(), orgs: [], defaults: 2, now: NOW });
    expect(d.status.conditions!.map((c) => c.type)).to.deep.equal(['Ready']);
  });
});

describe('organizationclass/reconciler', () => {
  const ctx = { log: { debug: () => undefined } } as unknown as ReconcileContext;

  function world(c: OrganizationClass, orgs: Organization[]) {
    const calls: string[] = [];
    const deps: ClassDeps = {
      getClass: () => c,
      orgsOf: () => orgs,
      defaults: () => 0,
      addFinalizer: async (x) => (calls.push('addFinalizer'), x),
      removeFinalizer: async () => void calls.push('removeFinalizer'),
      writeStatus: async () => void calls.push('writeStatus'),
      writeStatusThrottled: async () => void calls.push('writeStatusThrottled'),
      now: () => NOW,
    };
    return { reconcile: organizationClassReconciler(deps), calls };
  }

  it('writes the status at once when every org is applied', async () => {
    const w = world(cls({ finalizer: true }), [org('a', { status: 'True' })]);
    expect(await w.reconcile(ctx, 'standard')).to.deep.equal({});
    expect(w.calls).to.deep.equal(['writeStatus']);
  });

  it('throttles the status during a rollout and looks again', async () => {
    const w = world(cls({ finalizer: true }), [org('a', { status: 'True', generation: 3 })]);
    expect(await w.reconcile(ctx, 'standard')).to.deep.equal({
      requeueAfterMs: ROLLOUT_RECHECK_MS,
    });
    expect(w.calls).to.deep.equal(['writeStatusThrottled']);
  });

  it('lets a deleted class go without a status write once no org uses it', async () => {
    const w = world(cls({ finalizer: true, deleting: true }), []);
    await w.reconcile(ctx, 'standard');
    expect(w.calls).to.deep.equal(['removeFinalizer']);
  });

  it('adds the finalizer before the status once an org uses the class', async () => {
    const w = world(cls(), [org('a', { status: 'True' })]);
    await w.reconcile(ctx, 'standard');
    expect(w.calls).to.deep.equal(['addFinalizer', 'writeStatus']);
  });
});
