import { expect } from 'chai';
import type { SchemaMigration, SchemaMigrationStatus } from '../../../src/api/index.js';
import { schemaMigrationReconciler } from '../../../src/controllers/schemamigration/reconciler.js';
import type { GatedPod } from '../../../src/controllers/pod-annotations.js';
import { migrationKeys } from '../../../src/controllers/pod-informer.js';
import { watchContractPods } from '../../../src/controllers/schemamigration/contract-watches.js';
import {
  plan,
  type LedgerRow,
  type MigrateObserver,
  type MigrateResult,
  type RunOptions,
} from '../../../src/engine/index.js';
import type { Informer, ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };

function smig(): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: 1, uid: 'u1' },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: {
        inline: [
          { version: '004', name: 'users', sql: 'CREATE TABLE users (id int, fullname text);' },
          {
            version: '005',
            name: 'add_display_name',
            sql: 'ALTER TABLE users ADD display_name text;',
          },
          {
            version: '006',
            name: 'drop_fullname',
            sql: '-- schema-operator: contract\nALTER TABLE users DROP COLUMN fullname;',
          },
        ],
      },
    },
  };
}

function pod(name: string, minVersion?: string, gated = false): GatedPod {
  const annotations: Record<string, string> = { 'schema.streamspace.io/migration': 'api' };
  if (minVersion) annotations['schema.streamspace.io/min-version'] = minVersion;
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, annotations },
    spec: gated ? { schedulingGates: [{ name: 'schema.streamspace.io/ready' }] } : {},
  };
}

const row = (version: string): LedgerRow => ({
  installedRank: Number(version),
  version,
  name: 'x',
  checksum: '',
  statementsChecksum: null,
  kind: 'migration',
  transactional: true,
  outOfOrder: false,
  appliedBy: 't',
  startedAt: new Date(0),
  finishedAt: new Date(0),
  executionMs: 1,
});

/** A reconciler over a fake engine that keeps a ledger, and pods the test changes. */
function world() {
  const obj = smig();
  const ledger: LedgerRow[] = [];
  const pods: GatedPod[] = [];
  const events: Array<{ kind: string; name: string; type: string; reason: string; note: string }> =
    [];
  const waiting = new Map<string, boolean>();
  const ran: string[] = [];
  const writes: SchemaMigrationStatus[] = [];
  const reconcile = schemaMigrationReconciler({
    get: () => obj,
    readConfigMap: async () => undefined,
    readSecretKey: async (_ns, _name, key) => (key === 'url' ? 'postgres://u@db/app' : undefined),
    statusWriter: {
      async write(_o, status: SchemaMigrationStatus) {
        obj.status = structuredClone(status);
        writes.push(structuredClone(status));
      },
      async writeThrottled() {},
    },
    events: {
      record: async (o, type, reason, note) => {
        events.push({ kind: o.kind, name: o.metadata.name ?? '', type, reason, note });
      },
    },
    podsNaming: (key) => pods.filter((p) => migrationKeys(p).includes(key)),
    contractWaiting: (key, w) => waiting.set(key, w),
    migrate: async (o: RunOptions, observer?: MigrateObserver): Promise<MigrateResult> => {
      const p = plan(o.migrations, ledger, o);
      await observer?.onPlan?.(p);
      const applied = p.pending.map((m) => {
        ledger.push(row(m.version));
        ran.push(m.version);
        return {
          version: m.version,
          name: m.name,
          checksum: m.checksum,
          durationMs: 1,
          outOfOrder: false,
        };
      });
      return { plan: p, applied, baselined: null, lockWaitMs: 0 };
    },
    // A clean schema: these tests are about the run, drift-step has its own.
    checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
    appliedBy: 'test',
  });
  const condition = (type: string) => obj.status?.conditions?.find((c) => c.type === type);
  return {
    obj,
    pods,
    events,
    waiting,
    ran,
    writes,
    reconcile: () => reconcile(ctx, 'ns/api'),
    condition,
  };
}

describe('the SchemaMigration reconciler with a contract migration', () => {
  it('applies up to the contract while an old pod runs, stays Ready and says what it waits for', async () => {
    const w = world();
    w.pods.push(pod('api-v1', '004'), pod('api-v2', '005', true));
    await w.reconcile();
    expect(w.ran).to.deep.equal(['004', '005']);
    expect(w.obj.status?.appliedVersion).to.equal('005');
    expect(w.condition('Ready')?.status).to.equal('True');
    expect(w.condition('Applied')?.status).to.equal('True');
    expect(w.obj.status?.counts?.pending).to.equal(0);
    expect(w.condition('ContractPending')).to.deep.include({
      status: 'True',
      reason: 'WaitingForRollout',
    });
    expect(w.condition('ContractPending')?.message).to.include(
      'api-v1 (no owner, min-version 004)',
    );
    expect(w.obj.status?.contract).to.deep.equal({
      waitingVersions: ['006'],
      neededVersion: '005',
      blockingCount: 1,
      blockingPods: [{ name: 'api-v1', minVersion: '004' }],
    });
    expect(w.waiting.get('ns/api')).to.equal(true);
  });

  it('records one Event per change of the blocking set, none when it stays the same', async () => {
    const w = world();
    w.pods.push(pod('a', '004'), pod('b'));
    await w.reconcile();
    await w.reconcile();
    expect(w.events.filter((e) => e.reason === 'ContractWaiting')).to.have.length(1);
    w.pods.splice(0, 1);
    await w.reconcile();
    const waits = w.events.filter((e) => e.reason === 'ContractWaiting');
    expect(waits).to.have.length(2);
    expect(waits[1]!.note).to.match(/waits for 1 pod\(s\).*: b \(no owner, no min-version\)$/);
  });

  it('runs the contract once the last old pod is gone, and ContractPending goes False', async () => {
    const w = world();
    w.pods.push(pod('api-v1', '004'));
    await w.reconcile();
    w.pods.length = 0;
    w.pods.push(pod('api-v2', '005'));
    await w.reconcile();
    expect(w.ran).to.deep.equal(['004', '005', '006']);
    // No status written while 006 is applied still says it waits, or names the gone pod.
    for (const applying of w.writes.filter((s) => s.phase === 'Applying')) {
      expect(applying.contract).to.equal(undefined);
      expect(applying.conditions?.find((c) => c.type === 'ContractPending')).to.deep.include({
        status: 'False',
      });
    }
    expect(w.obj.status?.appliedVersion).to.equal('006');
    expect(w.obj.status?.contract).to.equal(undefined);
    expect(w.condition('ContractPending')).to.deep.include({
      status: 'False',
      reason: 'NoContractWaiting',
    });
    expect(w.waiting.get('ns/api')).to.equal(false);
  });

  it('never adds ContractPending to a SchemaMigration whose contract never waited', async () => {
    const w = world();
    await w.reconcile();
    expect(w.ran).to.deep.equal(['004', '005', '006']);
    expect(w.condition('ContractPending')).to.equal(undefined);
  });

  it('reports a deadlock on the SchemaMigration and once on the gated pod, staying Ready', async () => {
    const w = world();
    w.pods.push(pod('api-v1', '004'), pod('api-v3', '006', true));
    await w.reconcile();
    await w.reconcile();
    expect(w.condition('ContractPending')).to.deep.include({
      status: 'True',
      reason: 'ContractDeadlock',
    });
    expect(w.condition('Ready')?.status).to.equal('True');
    expect(w.obj.status?.contract?.deadlockedPods).to.deep.equal(['api-v3']);
    const onPod = w.events.filter((e) => e.kind === 'Pod');
    expect(onPod).to.have.length(1);
    expect(onPod[0]).to.deep.include({
      name: 'api-v3',
      type: 'Warning',
      reason: 'ContractDeadlock',
    });
    expect(onPod[0]!.note).to.match(
      /^kept gated: it needs version 006, contract migration 006_drop_fullname/,
    );
  });

  it('holds nothing past spec.targetVersion: a contract above it stays out, with no condition', async () => {
    const w = world();
    w.obj.spec.targetVersion = '005';
    w.pods.push(pod('api-v1', '004'));
    await w.reconcile();
    expect(w.ran).to.deep.equal(['004', '005']);
    expect(w.condition('ContractPending')).to.equal(undefined);
    expect(w.condition('Ready')?.status).to.equal('True');
  });
});

describe('pod changes that wake a SchemaMigration with a waiting contract', () => {
  type Handlers = {
    add(p: GatedPod): void;
    update(o: GatedPod, p: GatedPod): void;
    delete(p: GatedPod): void;
  };
  function fakeInformer() {
    let handlers: Handlers | undefined;
    const informer = {
      on: (h: Handlers) => (handlers = h),
      cache: { byIndex: () => [] },
    } as unknown as Informer<GatedPod>;
    return { informer, h: () => handlers! };
  }

  it('wakes only a waiting SchemaMigration, for add, a declaration change and delete', () => {
    const f = fakeInformer();
    const woken: string[] = [];
    const deps = watchContractPods({ pods: f.informer, wake: (k) => woken.push(k) });
    const p = pod('a', '004');
    f.h().add(p);
    expect(woken).to.deep.equal([]);
    deps.contractWaiting('ns/api', true);
    f.h().add(p);
    f.h().update(p, { ...p, status: { phase: 'Running' } } as GatedPod);
    f.h().update(p, { ...p, metadata: { ...p.metadata, deletionTimestamp: 'now' } });
    f.h().delete(p);
    expect(woken).to.deep.equal(['ns/api', 'ns/api', 'ns/api', 'ns/api']);
    deps.contractWaiting('ns/api', false);
    f.h().delete(p);
    expect(woken).to.have.length(4);
  });

  it('indexes a pod by the namespace and name it names, so other namespaces and CRs stay apart', () => {
    expect(migrationKeys(pod('a'))).to.deep.equal(['ns/api']);
    const other = pod('b');
    other.metadata.namespace = 'other';
    other.metadata.annotations!['schema.streamspace.io/migration'] = 'web';
    expect(migrationKeys(other)).to.deep.equal(['other/web']);
    expect(migrationKeys({ metadata: { name: 'c', namespace: 'ns' } })).to.deep.equal([]);
  });
});
