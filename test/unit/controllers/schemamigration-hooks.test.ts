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
  o: { failWrite?: (s: SchemaMigrationStatus) => boolean } = {},
) {
  const obj = smig();
  const log: string[] = [];
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
      record: async (_o, _type, reason) => {
        await tick();
        log.push(`event ${reason}`);
      },
    },
    migrate: (opts, hooks) => engine(opts, hooks ?? {}, log),
    // A clean schema: these tests are about the run, drift-step has its own.
    checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
    appliedBy: 'test',
  });
  return { reconcile, log, obj };
}

const result = (o: RunOptions): MigrateResult => ({
  plan: plan(o.migrations, []),
  applied: [],
  baselined: null,
  lockWaitMs: 0,
});

describe('the SchemaMigration reconciler and the engine hooks', () => {
  it('finishes the status write of a plan before the run goes on', async () => {
    const w = world(async (o, hooks, log) => {
      await hooks.onPlan?.(plan(o.migrations, []));
      log.push('engine applies');
      return result(o);
    });
    await w.reconcile(ctx, 'ns/api');
    expect(w.log.slice(0, 2)).to.deep.equal(['status Applying', 'engine applies']);
  });

  it('records the Event and the progress of an applied migration before the run goes on', async () => {
    const w = world(async (o, hooks, log) => {
      await hooks.onApplied?.(o.migrations[0]!, 3);
      log.push('engine goes on');
      return result(o);
    });
    await w.reconcile(ctx, 'ns/api');
    expect(w.log.slice(0, 3)).to.deep.equal([
      'event MigrationApplied',
      'progress 001',
      'engine goes on',
    ]);
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

  it('fails the run when the status write of its plan fails, rather than dropping it', async () => {
    let writes = 0;
    const w = world(
      async (o, hooks, log) => {
        await hooks.onPlan?.(plan(o.migrations, []));
        log.push('engine applies');
        return result(o);
      },
      { failWrite: (s) => s.phase === 'Applying' && writes++ === 0 },
    );
    const error = await w.reconcile(ctx, 'ns/api').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RetryLater);
    expect(w.log).to.not.include('engine applies');
    expect(w.log).to.include('status Failed InternalError');
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
