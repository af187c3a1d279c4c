import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import type { GatedPod } from '../../../src/controllers/pod-annotations.js';
import { decide, readinessSignature } from '../../../src/controllers/podgate/decision.js';
import { podGateReconciler, removeGatePatch } from '../../../src/controllers/podgate/reconciler.js';
import {
  InvalidError,
  NotFoundError,
  type JsonPatchOp,
  type ReconcileContext,
} from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };
const GATE = 'schema.streamspace.io/ready';
const FOREIGN = 'example.com/quota';

function pod(
  annotations: Record<string, string> = { 'schema.streamspace.io/migration': 'api' },
  gates: string[] = [GATE],
  meta: Record<string, unknown> = {},
): GatedPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-1',
      namespace: 'ns',
      uid: 'p1',
      labels: { 'schema.streamspace.io/gated': 'true' },
      annotations,
      ...meta,
    },
    spec: { schedulingGates: gates.map((name) => ({ name })) },
  };
}

function smig(
  o: {
    gen?: number;
    observed?: number;
    ready?: string;
    readyGen?: number;
    applied?: string;
    reason?: string;
  } = {},
): SchemaMigration {
  const gen = o.gen ?? 2;
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: gen },
    spec: {
      database: { urlSecretRef: { name: 'db' } },
      source: { configMaps: [{ name: 'm' }] },
    },
    status: {
      observedGeneration: o.observed ?? gen,
      appliedVersion: o.applied ?? '008',
      conditions: [
        {
          type: 'Ready',
          status: (o.ready ?? 'True') as 'True',
          reason: o.reason ?? (o.ready === 'False' ? 'Applying' : 'Applied'),
          message: '',
          observedGeneration: o.readyGen ?? o.observed ?? gen,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  };
}

const minVersion = (v: string) => ({
  'schema.streamspace.io/migration': 'api',
  'schema.streamspace.io/min-version': v,
});

describe('the pod gate decision', () => {
  const cases: Array<{
    name: string;
    pod: GatedPod;
    smig: SchemaMigration | undefined;
    want: string;
    reason?: string;
    type?: string;
    note?: string;
  }> = [
    {
      name: 'releases a pod whose SchemaMigration is Ready',
      pod: pod(),
      smig: smig(),
      want: 'release',
    },
    {
      name: 'releases a pod asking for the applied version',
      pod: pod(minVersion('008')),
      smig: smig(),
      want: 'release',
    },
    {
      name: 'releases a pod asking for an older version',
      pod: pod(minVersion('6')),
      smig: smig(),
      want: 'release',
    },
    {
      name: 'keeps a pod asking for 009 while 008 is applied',
      pod: pod(minVersion('009')),
      smig: smig(),
      want: 'wait',
      reason: 'SchemaTooOld',
      type: 'Normal',
      note: 'version 009 or later; now: it is Ready at version 008',
    },
    {
      name: 'compares versions numerically (1.10 is past 1.9)',
      pod: pod(minVersion('1.10')),
      smig: smig({ applied: '1.9' }),
      want: 'wait',
      reason: 'SchemaTooOld',
    },
    {
      name: 'releases a pod whose min-version is applied while a plan awaits approval',
      pod: pod(minVersion('008')),
      smig: smig({ ready: 'False', reason: 'AwaitingApproval' }),
      want: 'release',
    },
    {
      name: 'keeps a pod past the applied version while a plan awaits approval',
      pod: pod(minVersion('009')),
      smig: smig({ ready: 'False', reason: 'AwaitingApproval' }),
      want: 'wait',
      reason: 'SchemaTooOld',
      note: 'now: it awaits approval at version 008',
    },
    {
      name: 'keeps a pod with no min-version (the newest schema) while a plan awaits approval',
      pod: pod(),
      smig: smig({ ready: 'False', reason: 'AwaitingApproval' }),
      want: 'wait',
      reason: 'MigrationNotReady',
    },
    {
      name: 'keeps a pod while a plan of an older generation awaits approval',
      pod: pod(minVersion('008')),
      smig: smig({ gen: 3, observed: 2, ready: 'False', reason: 'AwaitingApproval' }),
      want: 'wait',
      reason: 'MigrationNotReady',
    },
    {
      name: 'keeps a pod while the SchemaMigration is not Ready',
      pod: pod(),
      smig: smig({ ready: 'False' }),
      want: 'wait',
      reason: 'MigrationNotReady',
      type: 'Normal',
      note: 'Ready=False (Applying)',
    },
    {
      name: 'keeps a pod while the status describes an older generation',
      pod: pod(),
      smig: smig({ gen: 3, observed: 2 }),
      want: 'wait',
      reason: 'MigrationNotReady',
      note: 'status is for generation 2, not 3',
    },
    {
      name: 'keeps a pod when Ready=True was set for an older generation',
      pod: pod(),
      smig: smig({ gen: 3, observed: 3, readyGen: 2 }),
      want: 'wait',
      reason: 'MigrationNotReady',
    },
    {
      name: 'keeps a pod whose SchemaMigration does not exist, with a Warning',
      pod: pod(),
      smig: undefined,
      want: 'wait',
      reason: 'MigrationNotFound',
      type: 'Warning',
      note: 'SchemaMigration ns/api does not exist',
    },
    {
      name: 'keeps a pod without the migration annotation, with a Warning',
      pod: pod({}),
      smig: smig(),
      want: 'wait',
      reason: 'InvalidGateAnnotation',
      type: 'Warning',
      note: 'no schema.streamspace.io/migration annotation',
    },
    {
      name: 'keeps a pod naming a SchemaMigration in another namespace',
      pod: pod({ 'schema.streamspace.io/migration': 'other/api' }),
      smig: smig(),
      want: 'wait',
      reason: 'InvalidGateAnnotation',
    },
    {
      name: 'keeps a pod whose min-version is not a version',
      pod: pod(minVersion('v9')),
      smig: smig(),
      want: 'wait',
      reason: 'InvalidGateAnnotation',
      note: '"v9" is not a version',
    },
    {
      name: 'ignores a pod without our gate',
      pod: pod(undefined, [FOREIGN]),
      smig: smig(),
      want: 'ignore',
    },
    {
      name: 'ignores a pod being deleted',
      pod: pod(undefined, [GATE], { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      smig: smig(),
      want: 'ignore',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.pod, (k) => (k === 'ns/api' ? c.smig : undefined));
      expect(d.action).to.equal(c.want);
      if (d.action !== 'wait') return;
      if (c.reason) expect(d.reason).to.equal(c.reason);
      if (c.type) expect(d.type).to.equal(c.type);
      if (c.note) expect(d.message).to.contain(c.note);
    });
  }

  it('ignores status changes that cannot change a decision', () => {
    const a = smig();
    const b = smig();
    b.status!.counts = { applied: 8, pending: 0, changed: 0, missing: 0 };
    expect(readinessSignature(a)).to.equal(readinessSignature(b));
    expect(readinessSignature(a)).to.not.equal(readinessSignature(smig({ applied: '009' })));
  });
});

describe('the gate patch', () => {
  it('removes only our gate, testing the whole list first', () => {
    expect(removeGatePatch(pod(undefined, [FOREIGN, GATE, 'b']), GATE)).to.deep.equal([
      {
        op: 'test',
        path: '/spec/schedulingGates',
        value: [{ name: FOREIGN }, { name: GATE }, { name: 'b' }],
      },
      { op: 'remove', path: '/spec/schedulingGates/1' },
    ]);
  });

  it('is nothing for a pod without our gate', () => {
    expect(removeGatePatch(pod(undefined, [FOREIGN]), GATE)).to.equal(undefined);
  });
});

/** The reconciler over fakes: one pod, one SchemaMigration, recorded patches and Events. */
function world(p: GatedPod | undefined, s: SchemaMigration | undefined) {
  const state = { pod: p, smig: s, patchError: undefined as Error | undefined };
  const patches: JsonPatchOp[][] = [];
  const events: string[] = [];
  const released: string[] = [];
  const reconcile = podGateReconciler({
    getPod: (k) => (k === 'ns/api-1' ? state.pod : undefined),
    getMigration: (k) => (k === 'ns/api' ? state.smig : undefined),
    patchPod: async (_key, ops) => {
      if (state.patchError) throw state.patchError;
      patches.push(ops);
    },
    events: {
      record: async (_o, type, reason, note) => void events.push(`${type} ${reason}: ${note}`),
    },
    onReleased: (k) => released.push(k),
  });
  return { state, patches, events, released, run: () => reconcile(ctx, 'ns/api-1') };
}

describe('the pod-gate reconciler', () => {
  it('removes our gate, keeps a foreign one and says so once', async () => {
    const w = world(pod(undefined, [GATE, FOREIGN]), smig());
    expect(await w.run()).to.deep.equal({});
    expect(w.patches).to.deep.equal([
      [
        { op: 'test', path: '/spec/schedulingGates', value: [{ name: GATE }, { name: FOREIGN }] },
        { op: 'remove', path: '/spec/schedulingGates/0' },
      ],
    ]);
    expect(w.released).to.deep.equal(['ns/api-1']);
    expect(w.events).to.have.length(1);
    expect(w.events[0]).to.match(/^Normal SchemaReady: removed scheduling gate .* at version 008/);
  });

  it('tells a waiting pod what it waits for once, however often it is reconciled', async () => {
    const w = world(pod(minVersion('009')), smig());
    for (let i = 0; i < 5; i++) await w.run();
    expect(w.patches).to.deep.equal([]);
    expect(w.events).to.deep.equal([
      'Normal SchemaTooOld: waiting for SchemaMigration ns/api to be Ready at version 009 or later; now: it is Ready at version 008',
    ]);
  });

  it('tells a new reason once more, then releases when the version arrives', async () => {
    const w = world(pod(minVersion('009')), undefined);
    await w.run();
    await w.run();
    w.state.smig = smig({ ready: 'False' });
    await w.run();
    await w.run();
    w.state.smig = smig({ applied: '009' });
    await w.run();
    expect(w.events.map((e) => e.split(':')[0])).to.deep.equal([
      'Warning MigrationNotFound',
      'Normal MigrationNotReady',
      'Normal SchemaReady',
    ]);
    expect(w.patches).to.have.length(1);
  });

  it('leaves released and foreign-gated pods alone', async () => {
    const w = world(pod(undefined, [FOREIGN]), smig());
    await w.run();
    w.state.pod = pod(undefined, []);
    await w.run();
    expect([w.patches, w.events]).to.deep.equal([[], []]);
  });

  it('forgets a pod that is gone and does nothing', async () => {
    const w = world(undefined, smig());
    expect(await w.run()).to.deep.equal({});
    expect(w.patches).to.deep.equal([]);
  });

  it('treats a pod deleted under the patch as done', async () => {
    const w = world(pod(), smig());
    w.state.patchError = new NotFoundError('NotFound', 'pods "api-1" not found');
    expect(await w.run()).to.deep.equal({});
    expect(w.events).to.deep.equal([]);
  });

  it('throws when the test op fails, so the controller retries from a fresh read', async () => {
    const w = world(pod(), smig());
    w.state.patchError = new InvalidError('the test operation failed', []);
    let thrown: unknown;
    await w.run().catch((e: unknown) => (thrown = e));
    expect(thrown).to.be.instanceOf(InvalidError);
    expect(w.released).to.deep.equal([]);
  });

  it('tells a recreated pod (new uid) again', async () => {
    const w = world(pod(minVersion('009')), smig());
    await w.run();
    w.state.pod = pod(minVersion('009'), [GATE], { uid: 'p2' });
    await w.run();
    expect(w.events).to.have.length(2);
  });
});
