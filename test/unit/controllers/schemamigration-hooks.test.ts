import { expect } from 'chai';
import type { SchemaMigration, SchemaMigrationStatus } from '../../../src/api/index.js';
import {
  RetryLater,
  schemaMigrationReconciler,
} from '../../../src/controllers/schemamigration/reconciler.js';
import {
  plan,
  type MigrateObserver,
  type MigrateResult,
  type RunOptions,
} from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };
const tick = () => new Promise((r) => setTimeout(r, 5));

function smig(): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: 1, uid: 'u1' },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { inline: [{ version: '001', name: 'a', sql: 'SELECT 1;' }] },
    },
  };
}

/**
 * A reconciler whose status writes and Events take a moment, and an engine
 * that calls the hooks as the real one does; `log` tells what finished when.
 */
function world(
  engine: (o: RunOptions, hooks: MigrateObserver, log: string[]) => Promise<MigrateResult>,
  o: { failWrite?: (s: SchemaMigrationStatus) => boolean; applyingShownAfterMs?: number } = {},
) {
  const obj = smig();
  const log: string[] = [];
  const notes: string[] = [];
  const slow = { done: false };
  const reconcile = schemaMigrationReconciler({
    get: () => obj,
    readConfigMap: async () => undefined,
    readSecretKey: async (_ns, _name, key) => (key === 'url' ? 'postgres://u@db/app' : undefined),
    statusWriter: {
      async write(_o, status) {
        await tick();
        if (o.failWrite?.(status)) throw new Error('the API refused the status patch');
        log.push(`status ${status.phase}${status.failure ? ` ${status.failure.reason}` : ''}`);
      },
      async writeThrottled(_o, status) {
        await tick();
        if (o.failWrite?.(status)) throw new Error('the API refused the status patch');
        log.push(`progress ${status.appliedVersion}`);
      },
    },
    events: {
      // The first Event is the slowest: a later one must still land after it.
      record: async (_o, _type, reason, note) => {
        await new Promise((r) => setTimeout(r, notes.length === 0 && !slow.done ? 20 : 5));
        slow.done = true;
        log.push(`event ${reason}`);
        notes.push(note);
      },
    },
    migrate: (opts, hooks) => engine(opts, hooks ?? {}, log),
    applyingShownAfterMs: o.applyingShownAfterMs,
    // A clean schema: these tests are about the run, drift-step has its own.
    checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
    appliedBy: 'test',
  });
  return { reconcile, log, obj, notes };
}

/**
 * A world whose engine plans, lasts `ms` (past the 10 ms after which it
 * shows Applying), then does `then` and logs `done`.
 */
function lastingRun(
  ms: number,
  done: string,
  then: (o: RunOptions, hooks: MigrateObserver) => unknown = () => undefined,
  failWrite?: (s: SchemaMigrationStatus) => boolean,
) {
  return world(
    async (o, hooks, log) => {
      await hooks.onPlan?.(plan(o.migrations, []));
      await new Promise((r) => setTimeout(r, ms));
      await then(o, hooks);
      log.push(done);
      return result(o);
    },
    { applyingShownAfterMs: 10, failWrite },
  );
}

const result = (o: RunOptions): MigrateResult => ({
  plan: plan(o.migrations, []),
  applied: [],
  baselined: null,
  lockWaitMs: 0,
});

describe('the SchemaMigration reconciler and the engine hooks', () => {
  it('a quick run goes straight to its final status: no Applying write, no Ready=False flicker', async () => {
    const w = world(async (o, hooks, log) => {
      await hooks.onPlan?.(plan(o.migrations, []));
      log.push('engine applies');
      return result(o);
    });
    await w.reconcile(ctx, 'ns/api');
    expect(w.log).to.not.include('status Applying');
    expect(w.log.at(-1)).to.equal('status Applied');
  });

  it('a run that lasts shows Applying while it goes on, then its final status', async () => {
    const w = lastingRun(60, 'engine applied');
    await w.reconcile(ctx, 'ns/api');
    expect(w.log.indexOf('status Applying')).to.be.within(0, w.log.indexOf('engine applied'));
    expect(w.log.at(-1)).to.equal('status Applied');
  });

  it('sends the Event and progress of an applied migration behind the run, landing before the final status', async () => {
    const w = lastingRun(40, 'engine goes on', (o, hooks) => hooks.onApplied!(o.migrations[0]!, 3));
    await w.reconcile(ctx, 'ns/api');
    // The run did not wait for the API; the final status waited for both.
    expect(w.log.indexOf('engine goes on')).to.be.below(w.log.indexOf('event MigrationApplied'));
    expect(w.log.slice(-3).sort()).to.deep.equal([
      'event MigrationApplied',
      'progress 001',
      'status Applied',
    ]);
    expect(w.log.at(-1)).to.equal('status Applied');
  });

  it('keeps the Events of a run in the order of its files', async () => {
    const w = world(async (o, hooks) => {
      const two = [...o.migrations, { ...o.migrations[0]!, version: '002', name: 'b' }];
      for (const m of two) await hooks.onApplied?.(m, 1);
      return result(o);
    });
    await w.reconcile(ctx, 'ns/api');
    expect(w.notes).to.deep.equal(['applied 001_a in 1 ms', 'applied 002_b in 1 ms']);
  });

  it('records a busy lock before the run goes on', async () => {
    const w = world(async (o, hooks, log) => {
      await hooks.onLockBusy?.('pid 42');
      log.push('engine waits');
      return result(o);
    });
    await w.reconcile(ctx, 'ns/api');
    expect(w.log.slice(0, 2)).to.deep.equal(['event LockBusy', 'engine waits']);
  });

  it('lets a run that lasts go on when its Applying write fails (the final status follows)', async () => {
    const w = lastingRun(40, 'engine applies', undefined, (s) => s.phase === 'Applying');
    expect(await w.reconcile(ctx, 'ns/api')).to.deep.equal({ requeueAfterMs: 600_000 });
    expect(w.log).to.include('engine applies');
    expect(w.log.at(-1)).to.equal('status Applied');
  });

  it('lets the run go on when only a progress write fails (the final status follows)', async () => {
    const w = world(
      async (o, hooks, log) => {
        await hooks.onApplied?.(o.migrations[0]!, 3);
        log.push('engine goes on');
        return result(o);
      },
      { failWrite: (s) => s.phase !== 'Applied' && s.appliedVersion === '001' },
    );
    expect(await w.reconcile(ctx, 'ns/api')).to.deep.equal({ requeueAfterMs: 600_000 }); // the next drift check;
    expect(w.log).to.include('engine goes on');
    expect(w.log.at(-1)).to.equal('status Applied');
  });

  it('reports an error it cannot classify as InternalError, never ConnectionError, and retries with backoff', async () => {
    const w = world(async () => Promise.reject(new TypeError('x is not a function')));
    const error = await w.reconcile(ctx, 'ns/api').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RetryLater);
    expect(w.log).to.include('status Failed InternalError');
    expect(w.log).to.include('event MigrationFailed');
  });
});
