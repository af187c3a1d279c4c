import { expect } from 'chai';
import type { SchemaMigrationStatus } from '../../../src/api/index.js';
import { schemaMigrationReconciler } from '../../../src/controllers/schemamigration/reconciler.js';
import type { StatusWriter } from '../../../src/controllers/status-writer.js';
import {
  ConnectionError,
  plan,
  type ConnectionSource,
  type MigrateResult,
  type RunOptions,
} from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';
import { testSmig } from '../../support/schemamigration-fixture.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };
const files = { '001_a.sql': 'CREATE TABLE a (id int);' };

const smig = () => testSmig();

/** A reconciler over fakes whose ledger stamp is `ledger.stamp`. */
function world() {
  const obj = smig();
  const ledger = { stamp: 's1' as string | null, fails: false };
  const pooled = { name: 'the pool of ns/api' } as unknown as ConnectionSource;
  const calls = { runs: [] as RunOptions[], stamps: [] as RunOptions[], drift: [] as RunOptions[] };
  const held: string[] = [];
  const released: string[] = [];
  let writes = 0;
  let heldContract = false;
  const writer: StatusWriter<SchemaMigrationStatus> = {
    async write(o, status) {
      writes++;
      o.status = structuredClone(status);
    },
    async writeThrottled() {},
    forget() {},
  };
  const result = (o: RunOptions): MigrateResult => {
    const p = plan(o.migrations, []);
    if (heldContract) p.held.push(p.pending[0]!);
    return {
      plan: { ...p, pending: [] },
      applied: [],
      baselined: null,
      lockWaitMs: 0,
      stamp: ledger.stamp,
    };
  };
  const reconcile = schemaMigrationReconciler({
    get: () => obj,
    readConfigMap: async () => ({ data: files }),
    readSecretKey: async (_ns, _name, key) => (key === 'url' ? 'postgres://u:p@db/app' : undefined),
    statusWriter: writer,
    events: { record: async () => undefined },
    migrate: async (o) => (calls.runs.push(o), result(o)),
    checkDrift: async (o) => (calls.drift.push(o), { recorded: true, takenAt: null, items: [] }),
    readLedgerStamp: async (o) => {
      calls.stamps.push(o);
      if (ledger.fails) throw new ConnectionError('gone');
      return ledger.stamp;
    },
    sessions: (key) => (held.push(key), pooled),
    releaseSessions: async (key) => void released.push(key),
    appliedBy: 'test',
  });
  const once = () => reconcile(ctx, 'ns/api');
  return {
    obj,
    ledger,
    pooled,
    calls,
    held,
    released,
    once,
    writes: () => writes,
    holdContract: () => (heldContract = true),
  };
}

describe('the resync of a Ready SchemaMigration', () => {
  it('reads the ledger stamp once and runs nothing, writes nothing, when nothing changed', async () => {
    const w = world();
    await w.once();
    const writes = w.writes();
    expect(w.calls.runs).to.have.length(1);
    await w.once();
    await w.once();
    expect(w.calls.runs).to.have.length(1);
    expect(w.calls.stamps).to.have.length(2);
    expect(w.writes()).to.equal(writes);
  });

  it('asks the engine for the stamp and passes the pooled sessions to the run, the stamp read and drift', async () => {
    const w = world();
    await w.once();
    await w.once();
    expect(w.calls.runs[0]!.stamp).to.equal(true);
    expect(w.calls.runs[0]!.connection).to.equal(w.pooled);
    expect(w.calls.drift[0]!.connection).to.equal(w.pooled);
    expect(w.calls.stamps[0]!.connection).to.equal(w.pooled);
    expect(w.held).to.include('ns/api');
  });

  it('runs in full when the ledger changed (a row added, edited or repaired by anyone)', async () => {
    const w = world();
    await w.once();
    w.ledger.stamp = 's2';
    await w.once();
    expect(w.calls.runs).to.have.length(2);
  });

  it('runs in full when an annotation changed (retry, approve, repair)', async () => {
    const w = world();
    await w.once();
    w.obj.metadata.annotations = { 'schema.streamspace.io/retry': '1' };
    await w.once();
    expect(w.calls.runs).to.have.length(2);
    expect(w.calls.stamps).to.have.length(0);
  });

  it('runs in full for a new generation', async () => {
    const w = world();
    await w.once();
    w.obj.metadata.generation = 2;
    await w.once();
    expect(w.calls.runs).to.have.length(2);
  });

  it('runs in full when the CR is not Ready', async () => {
    const w = world();
    await w.once();
    w.obj.status!.conditions = w.obj.status!.conditions!.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False' } : c,
    );
    await w.once();
    expect(w.calls.runs).to.have.length(2);
  });

  it('runs in full when the stamp cannot be read (the run reports why)', async () => {
    const w = world();
    await w.once();
    w.ledger.fails = true;
    await w.once();
    expect(w.calls.runs).to.have.length(2);
  });

  it('runs in full while a contract migration is held (the hold may end any time)', async () => {
    const w = world();
    w.holdContract();
    await w.once();
    await w.once();
    expect(w.calls.runs).to.have.length(2);
  });

  it('lets the database go when the CR is deleted', async () => {
    const w = world();
    await w.once();
    w.obj.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    await w.once();
    expect(w.released).to.deep.equal(['ns/api']);
  });
});
