import { expect } from 'chai';
import type { SchemaMigrationStatus } from '../../../src/api/index.js';
import {
  RetryLater,
  schemaMigrationReconciler,
} from '../../../src/controllers/schemamigration/reconciler.js';
import {
  ChecksumMismatchError,
  ConnectionError,
  LockBusyError,
  MigrationFailedError,
  RunAbortedError,
  plan,
  type MigrateResult,
  type RunOptions,
} from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';
import { testSmig } from '../../support/schemamigration-fixture.js';

const files = { '001_a.sql': 'CREATE TABLE a (id int);' };

const smig = () => testSmig();

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

/** One CR, and an engine that succeeds first and then does whatever `next` says. */
function world(obj = smig()) {
  const events: string[] = [];
  const runs: RunOptions[] = [];
  const source: Record<string, string> = { ...files };
  const secret = { url: 'postgres://u:p@db:5432/app' };
  let next: (o: RunOptions) => Promise<MigrateResult> = async (o) => applied(o);
  const reconcile = schemaMigrationReconciler({
    get: (k) => (k === 'ns/api' ? obj : undefined),
    readConfigMap: async () => ({ data: source }),
    readSecretKey: async (_ns, _name, key) => (key === 'url' ? secret.url : undefined),
    statusWriter: {
      async write(o, status) {
        o.status = structuredClone(status);
      },
      async writeThrottled() {},
    },
    events: {
      record: async (_o, type, reason, note) => void events.push(`${type} ${reason}: ${note}`),
    },
    migrate: async (o) => {
      runs.push(o);
      return next(o);
    },
    // A clean schema: these tests are about the run, drift-step has its own.
    checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
    appliedBy: 'test',
  });
  return {
    obj,
    events,
    runs,
    reconcile: (ctx: ReconcileContext = context()) => reconcile(ctx, 'ns/api'),
    source,
    secret,
    failWith: (err: unknown) => (next = async () => Promise.reject(err)),
    succeed: () => (next = async (o) => applied(o)),
  };
}

function context(signal = new AbortController().signal): ReconcileContext {
  return { log: silentLogger, signal };
}

const cond = (s: SchemaMigrationStatus | undefined, type: string) =>
  s?.conditions?.find((c) => c.type === type);

const sqlError = new MigrationFailedError(
  {
    version: '001',
    name: 'a',
    file: '001_a.sql',
    sqlState: '42P01',
    message: 'relation "x" does not exist',
    statement: 'SELECT * FROM x',
    line: 1,
    attempts: 1,
  },
  'SQLError',
  false,
);

describe('the SchemaMigration reconciler on transient errors (issue 13, finding 10)', () => {
  const transient: Array<[string, Error, string]> = [
    [
      'a connection timeout',
      new ConnectionError('cannot connect to postgres://u@db:5432/app: timed out'),
      'ConnectionError',
    ],
    [
      'a refused connection',
      new ConnectionError('cannot connect to postgres://u@db:5432/app: connection refused'),
      'ConnectionError',
    ],
    [
      'a busy migration lock',
      new LockBusyError('the migration lock is held by pid 7', 'pid 7'),
      'LockBusy',
    ],
    [
      'the reconcile deadline',
      new RunAbortedError(
        'DeadlineExceeded',
        'run stopped: the reconcile deadline of 5000 ms passed',
      ),
      'DeadlineExceeded',
    ],
  ];
  for (const [what, error, reason] of transient) {
    it(`keeps a Ready schema Ready on ${what}, and says so in Reconciling and a Warning Event`, async () => {
      const w = world();
      await w.reconcile();
      expect(cond(w.obj.status, 'Ready')).to.include({ status: 'True' });
      w.failWith(error);
      expect(await w.reconcile().catch((e: unknown) => e)).to.be.instanceOf(RetryLater);
      const s = w.obj.status!;
      expect(cond(s, 'Ready')).to.include({ status: 'True', reason: 'Applied' });
      expect(cond(s, 'Applied')).to.include({ status: 'True' });
      expect(cond(s, 'Failed')).to.include({ status: 'False' });
      expect(cond(s, 'Reconciling')).to.include({
        status: 'True',
        reason,
        message: `retrying: ${error.message}`,
      });
      expect(s.phase).to.equal('Applied');
      expect(s.appliedVersion).to.equal('001');
      expect(w.events.filter((e) => e.startsWith('Warning'))).to.deep.equal([
        `Warning ${reason === 'LockBusy' ? 'LockBusy' : 'MigrationFailed'}: ${error.message}`,
      ]);
      // The same error again: no second Event.
      await w.reconcile().catch(() => undefined);
      expect(w.events.filter((e) => e.startsWith('Warning'))).to.have.length(1);
      // Back to normal once it passes.
      w.succeed();
      await w.reconcile();
      expect(cond(w.obj.status, 'Reconciling')).to.include({ status: 'False' });
    });
  }

  it('takes Ready away on a SQL error, a domain failure', async () => {
    const w = world();
    await w.reconcile();
    w.failWith(sqlError);
    await w.reconcile();
    expect(cond(w.obj.status, 'Ready')).to.include({ status: 'False', reason: 'SQLError' });
    expect(cond(w.obj.status, 'Failed')).to.include({ status: 'True', reason: 'SQLError' });
    expect(w.obj.status!.phase).to.equal('Failed');
  });

  it('takes Ready away on a checksum mismatch', async () => {
    const w = world();
    await w.reconcile();
    w.failWith(
      new ChecksumMismatchError([
        { version: '001', name: 'a', applied: 'sha256:1', current: 'sha256:2' },
      ]),
    );
    await w.reconcile();
    expect(cond(w.obj.status, 'Ready')).to.include({ status: 'False', reason: 'ChecksumMismatch' });
    expect(cond(w.obj.status, 'Stalled')).to.include({ status: 'True' });
  });

  it('does not call a schema Ready that never was, nor one of an older generation', async () => {
    const w = world();
    w.failWith(new ConnectionError('cannot connect: connection refused'));
    await w.reconcile().catch(() => undefined);
    expect(cond(w.obj.status, 'Ready')).to.include({ status: 'False', reason: 'ConnectionError' });
    w.succeed();
    await w.reconcile();
    w.obj.metadata.generation = 2;
    w.failWith(new ConnectionError('cannot connect: connection refused'));
    await w.reconcile().catch(() => undefined);
    expect(cond(w.obj.status, 'Ready')).to.include({ status: 'False', reason: 'ConnectionError' });
  });

  it("passes the reconcile's signal to the engine", async () => {
    const w = world();
    const abort = new AbortController();
    await w.reconcile(context(abort.signal));
    expect(w.runs[0]!.signal).to.equal(abort.signal);
  });

  it('writes nothing and records no Event when the run was cancelled (CR deleted or changed)', async () => {
    const w = world();
    await w.reconcile();
    const before = structuredClone(w.obj.status);
    const events = w.events.length;
    w.failWith(new RunAbortedError('Cancelled', 'run stopped: the SchemaMigration was deleted'));
    expect(await w.reconcile()).to.deep.equal({});
    expect(w.obj.status).to.deep.equal(before);
    expect(w.events).to.have.length(events);
  });

  it('takes Ready away on a transient error once the source has a new file (new work, same generation)', async () => {
    const w = world();
    await w.reconcile();
    w.source['002_b.sql'] = 'CREATE TABLE b (id int);';
    w.failWith(new LockBusyError('the migration lock is held by pid 7', 'pid 7'));
    await w.reconcile().catch(() => undefined);
    expect(cond(w.obj.status, 'Ready')).to.include({ status: 'False', reason: 'LockBusy' });
  });

  it('takes Ready away on a transient error once the Secret names another database', async () => {
    const w = world();
    await w.reconcile();
    w.secret.url = 'postgres://u:p@elsewhere:5432/app';
    w.failWith(new ConnectionError('cannot connect to postgres://u@elsewhere:5432/app: timed out'));
    await w.reconcile().catch(() => undefined);
    expect(cond(w.obj.status, 'Ready')).to.include({ status: 'False', reason: 'ConnectionError' });
  });

  it('keeps Ready after an operator restart when the status shows the target reached', async () => {
    const first = world();
    await first.reconcile();
    const restarted = world(first.obj);
    restarted.failWith(new ConnectionError('cannot connect: timed out'));
    await restarted.reconcile().catch(() => undefined);
    expect(cond(first.obj.status, 'Ready')).to.include({ status: 'True' });
  });

  it('takes Ready away after a restart when the source asks for more than the status shows', async () => {
    const first = world();
    await first.reconcile();
    const restarted = world(first.obj);
    restarted.source['002_b.sql'] = 'CREATE TABLE b (id int);';
    restarted.failWith(new ConnectionError('cannot connect: timed out'));
    await restarted.reconcile().catch(() => undefined);
    expect(cond(first.obj.status, 'Ready')).to.include({ status: 'False' });
  });
});
