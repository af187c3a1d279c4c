import { expect } from 'chai';
import type { SchemaMigration, SchemaMigrationStatus } from '../../../src/api/index.js';
import {
  schemaMigrationReconciler,
  RetryLater,
} from '../../../src/controllers/schemamigration/reconciler.js';
import { SECRET_RECHECK_MS } from '../../../src/controllers/database-secret.js';
import type { StatusWriter } from '../../../src/controllers/status-writer.js';
import {
  ChecksumMismatchError,
  ConnectionError,
  LedgerOwnedError,
  MigrationFailedError,
  plan,
  type MigrateResult,
  type RunOptions,
} from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };

function smig(
  over: Partial<SchemaMigration['spec']> = {},
  meta: Partial<SchemaMigration['metadata']> = {},
): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: {
      name: 'api',
      namespace: 'ns',
      generation: 1,
      uid: 'u1',
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...meta,
    },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { configMaps: [{ name: 'm' }] },
      ...over,
    },
  };
}

const files = { '001_a.sql': 'CREATE TABLE a (id int);', '002_b.sql': 'CREATE TABLE b (id int);' };

/** A world of fakes; `engine` decides what a run does. */
function world(
  objs: SchemaMigration[],
  engine: (o: RunOptions) => Promise<MigrateResult>,
  secret: string | null = 'postgres://u:p@db:5432/app',
  clock = { now: new Date('2026-11-26T00:00:00Z') },
) {
  const writes: Array<{ key: string; status: SchemaMigrationStatus }> = [];
  const events: string[] = [];
  const runs: RunOptions[] = [];
  const store = new Map(objs.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
  const writer: StatusWriter<SchemaMigrationStatus> = {
    async write(obj, status) {
      writes.push({
        key: `${obj.metadata!.namespace}/${obj.metadata!.name}`,
        status: structuredClone(status),
      });
      obj.status = structuredClone(status);
    },
    async writeThrottled() {},
    forget() {},
  };
  const reconcile = schemaMigrationReconciler({
    get: (k) => store.get(k),
    readConfigMap: async () => ({ data: files }),
    readSecretKey: async (_ns, _name, key) => (key === 'url' ? (secret ?? undefined) : undefined),
    statusWriter: writer,
    events: {
      record: async (_o, type, reason, note) => void events.push(`${type} ${reason}: ${note}`),
    },
    migrate: async (o) => {
      runs.push(o);
      return engine(o);
    },
    // A clean schema: these tests are about the run, drift-step has its own.
    checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
    appliedBy: 'test',
    now: () => clock.now,
  });
  return { reconcile, writes, events, runs, store };
}

const applied = (o: RunOptions): MigrateResult => ({
  plan: plan(o.migrations, []),
  applied: o.migrations.map((m) => ({
    version: m.version,
    name: m.name,
    checksum: m.checksum,
    durationMs: 1,
    outOfOrder: false,
  })),
  baselined: null,
  lockWaitMs: 0,
});
const cond = (s: SchemaMigrationStatus | undefined, type: string) =>
  s?.conditions?.find((c) => c.type === type);

describe('the SchemaMigration reconciler', () => {
  it('applies the source and reports Ready with the applied version and counts', async () => {
    const w = world([smig()], async (o) => applied(o));
    expect(await w.reconcile(ctx, 'ns/api')).to.deep.equal({ requeueAfterMs: 600_000 }); // the next drift check;
    const s = w.writes.at(-1)!.status;
    expect([s.phase, s.appliedVersion, s.targetVersion, s.observedGeneration]).to.deep.equal([
      'Applied',
      '002',
      '002',
      1,
    ]);
    expect(s.counts).to.deep.equal({ applied: 2, pending: 0, changed: 0, missing: 0 });
    for (const [type, status] of [
      ['Applied', 'True'],
      ['Ready', 'True'],
      ['Failed', 'False'],
      ['Reconciling', 'False'],
      ['Stalled', 'False'],
    ]) {
      expect(cond(s, type!), type).to.include({ status, observedGeneration: 1 });
    }
    expect(w.runs[0]).to.include({
      url: 'postgres://u:p@db:5432/app',
      adoptExisting: false,
      lockTimeoutMs: 5000,
    });
  });

  it('passes the policy and target of the spec to the engine', async () => {
    const w = world(
      [
        smig({
          targetVersion: '001',
          policy: { lockTimeout: '2s', outOfOrder: true, maxRetries: 3, adoptExisting: true },
        }),
      ],
      async (o) => applied(o),
    );
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs[0]).to.include({
      target: '001',
      lockTimeoutMs: 2000,
      outOfOrder: true,
      maxRetries: 3,
      adoptExisting: true,
    });
  });

  it('reports a missing Secret as SecretNotFound and looks again after a fixed delay', async () => {
    const w = world([smig()], async (o) => applied(o), null);
    const result = await w.reconcile(ctx, 'ns/api');
    expect(result).to.deep.equal({ requeueAfterMs: SECRET_RECHECK_MS });
    const s = w.writes.at(-1)!.status;
    expect(cond(s, 'Failed')).to.include({ status: 'True', reason: 'SecretNotFound' });
    expect(cond(s, 'Stalled')).to.include({ status: 'False' });
    expect(w.runs).to.have.length(0);
  });

  it('stalls on a checksum mismatch, records one Event, and waits for a change', async () => {
    const mismatch = new ChecksumMismatchError([
      { version: '001', name: 'a', applied: 'sha256:old', current: 'sha256:new' },
    ]);
    const w = world([smig()], async () => Promise.reject(mismatch));
    expect(await w.reconcile(ctx, 'ns/api')).to.deep.equal({});
    const s = w.writes.at(-1)!.status;
    expect(cond(s, 'Stalled')).to.include({ status: 'True', reason: 'ChecksumMismatch' });
    expect(s.failure?.message).to.match(/sha256:old.*sha256:new/);
    expect(w.events).to.deep.equal([`Warning ChecksumMismatch: ${mismatch.message}`]);
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(1);
    // The retry annotation asks for one more attempt.
    w.store.get('ns/api')!.metadata.annotations = { 'schema.streamspace.io/retry': '1' };
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(2);
  });

  it('records a SQL failure with version, SQLSTATE and line', async () => {
    const failed = new MigrationFailedError(
      {
        version: '002',
        name: 'b',
        file: 'configmap ns/m key 002_b.sql',
        sqlState: '42P01',
        message: 'relation "x" does not exist',
        statement: 'SELECT * FROM x',
        line: 3,
        attempts: 1,
      },
      'SQLError',
      false,
    );
    const w = world([smig()], async () => Promise.reject(failed));
    await w.reconcile(ctx, 'ns/api');
    const s = w.writes.at(-1)!.status;
    expect(s.failure).to.include({
      reason: 'SQLError',
      version: '002',
      sqlState: '42P01',
      line: 3,
      attempts: 1,
    });
    expect(s.phase).to.equal('Failed');
    expect(cond(s, 'Ready')).to.include({ status: 'False', reason: 'SQLError' });
  });

  it('retries a lost connection instead of stalling', async () => {
    const w = world([smig()], async () =>
      Promise.reject(
        new ConnectionError('cannot connect to postgres://u@db:5432/app: connection refused'),
      ),
    );
    expect(await w.reconcile(ctx, 'ns/api').catch((e: unknown) => e)).to.be.instanceOf(RetryLater);
    const s = w.writes.at(-1)!.status;
    expect(cond(s, 'Failed')).to.include({ status: 'True', reason: 'ConnectionError' });
    expect(cond(s, 'Reconciling')).to.include({ status: 'True', reason: 'Retrying' });
    expect(cond(s, 'Stalled')).to.include({ status: 'False' });
  });

  it('says Conflict, naming no one, when the ledger belongs to a CR of another namespace', async () => {
    const w = world([smig()], async () => {
      throw new LedgerOwnedError('"public"."schema_operator_history"', 'platform/streamspace-api');
    });
    const r = await w.reconcile(ctx, 'ns/api');
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    const s = w.writes.at(-1)!.status;
    expect(cond(s, 'Failed')).to.include({ status: 'True', reason: 'Conflict' });
    expect(s.failure?.message).to.match(/^another SchemaMigration already manages/);
    expect(JSON.stringify(s)).not.to.contain('platform');
    expect(w.events.join('\n')).not.to.contain('platform');
  });

  it('claims the ledger for namespace/name, replacing only an owner that no longer exists', async () => {
    const w = world([smig(), smig({}, { name: 'other' })], async (o) => applied(o));
    await w.reconcile(ctx, 'ns/api');
    const claim = w.runs[0]!.claim!;
    expect(claim.owner).to.equal('ns/api');
    expect(await claim.mayReplace!('ns/other')).to.equal(false);
    expect(await claim.mayReplace!('ns/gone')).to.equal(true);
  });

  it('does nothing but say so while suspended', async () => {
    const w = world([smig({ suspend: true })], async (o) => applied(o));
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(0);
    expect(cond(w.writes.at(-1)!.status, 'Reconciling')).to.include({
      status: 'False',
      reason: 'Suspended',
    });
  });

  it('forgets a deleted CR without touching the database', async () => {
    const w = world([], async (o) => applied(o));
    expect(await w.reconcile(ctx, 'ns/gone')).to.deep.equal({});
    expect(w.runs).to.have.length(0);
  });

  it('keeps lastTransitionTime when a condition keeps its status', async () => {
    const clock = { now: new Date('2026-11-26T00:00:00Z') };
    const obj = smig();
    const w = world([obj], async (o) => applied(o), 'postgres://u:p@db:5432/app', clock);
    await w.reconcile(ctx, 'ns/api');
    clock.now = new Date('2026-11-27T00:00:00Z');
    obj.metadata.generation = 2;
    await w.reconcile(ctx, 'ns/api');
    expect(cond(obj.status, 'Ready')).to.include({
      lastTransitionTime: '2026-11-26T00:00:00Z',
      observedGeneration: 2,
    });
  });
});
