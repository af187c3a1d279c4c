import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { DriftChecker } from '../../../src/controllers/schemamigration/drift-step.js';
import type { SchemaMigrationDeps } from '../../../src/controllers/schemamigration/deps.js';
import { statusFor } from '../../../src/controllers/schemamigration/status.js';
import type { DriftItem } from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };
const access = { url: 'postgres://u:p@db/app' };

function smig(interval?: string): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: 1 },
    spec: {
      database: { urlSecretRef: { name: 'db' } },
      source: { configMaps: [{ name: 'm' }] },
      ...(interval ? { drift: { interval } } : {}),
    },
  } as SchemaMigration;
}

const col: DriftItem = {
  kind: 'changed',
  object: 'column public.sessions.org_id',
  description: 'column public.sessions.org_id: type character varying -> text',
};

/** A checker over fakes: `items` is what the database differs by, `clock` the time in ms. */
function world(items: DriftItem[], obj = smig('1s')) {
  const events: string[] = [];
  const gauge: unknown[] = [];
  const clock = { ms: 1_000_000 };
  let reads = 0;
  const deps = {
    events: {
      record: async (_o: unknown, t: string, r: string, n: string) =>
        void events.push(`${t} ${r}: ${n}`),
    },
    metrics: {
      schemaDrift: {
        set: (_l: unknown, v: number) => void gauge.push(v),
        remove: (l: unknown) => void gauge.push(-1, l as never),
      },
    },
    checkDrift: async () => {
      reads++;
      return { recorded: true, takenAt: new Date(0), items };
    },
    appliedBy: 'test',
  } as unknown as SchemaMigrationDeps;
  const checker = new DriftChecker(deps, () => clock.ms);
  const check = async (recorded = false) => {
    const st = statusFor(obj.status, { generation: 1, now: new Date(clock.ms) });
    const again = await checker.check(
      { ctx, key: 'ns/api', obj, st },
      { access, migrations: [], recorded },
    );
    obj.status = st.status;
    return again;
  };
  return { check, checker, events, gauge, clock, obj, reads: () => reads, items };
}

const drifted = (obj: SchemaMigration) => obj.status?.conditions?.find((c) => c.type === 'Drifted');

describe('the SchemaMigration drift check', () => {
  it('sets Drifted=True naming the column, status.drift counts, one Event and the gauge at 1', async () => {
    const w = world([col]);
    expect(await w.check()).to.equal(1000);
    expect(drifted(w.obj)).to.include({ status: 'True', reason: 'SchemaDrift' });
    expect(drifted(w.obj)!.message).to.include('column public.sessions.org_id: type');
    expect(w.obj.status!.drift).to.include({ count: 1, added: 0, removed: 0, changed: 1 });
    expect(w.events).to.deep.equal([`Warning SchemaDrift: ${col.description}`]);
    expect(w.gauge).to.deep.equal([1]);
  });

  it('records no second Event for a difference it already reported', async () => {
    const w = world([col]);
    await w.check();
    w.clock.ms += 1000;
    await w.check();
    expect(w.events).to.have.length(1);
    expect(w.reads()).to.equal(2);
  });

  it('skips the catalog read until the interval has passed', async () => {
    const w = world([]);
    await w.check();
    w.clock.ms += 400;
    expect(await w.check()).to.equal(600);
    expect(w.reads()).to.equal(1);
  });

  it('after a run that recorded a new fingerprint: Drifted=False, the interval restarted, no catalog read', async () => {
    const w = world([col]);
    await w.check();
    expect(drifted(w.obj)).to.include({ status: 'True' });
    w.clock.ms += 400;
    // The run applied files and recorded the live schema: nothing can differ from it yet.
    expect(await w.check(true)).to.equal(1000);
    expect(w.reads()).to.equal(1);
    expect(drifted(w.obj)).to.include({ status: 'False', reason: 'NoDrift' });
    expect(w.obj.status!.drift).to.equal(undefined);
    expect(w.gauge).to.deep.equal([1, 0]);
    w.clock.ms += 999;
    expect(await w.check()).to.equal(1);
    expect(w.reads()).to.equal(1);
  });

  it('clears to Drifted=False when the change is undone, and never touches Ready', async () => {
    const w = world([col]);
    await w.check();
    const ready = w.obj.status!.conditions!.find((c) => c.type === 'Ready');
    w.items.length = 0;
    w.clock.ms += 1000;
    await w.check();
    expect(drifted(w.obj)).to.include({ status: 'False', reason: 'NoDrift' });
    expect(w.obj.status!.drift).to.equal(undefined);
    expect(w.obj.status!.conditions!.find((c) => c.type === 'Ready')).to.deep.equal(ready);
    expect(w.gauge).to.deep.equal([1, 0]);
  });

  it('drops the gauge of a deleted CR', async () => {
    const w = world([col]);
    await w.check();
    w.checker.forget('ns/api');
    expect(w.gauge).to.deep.equal([1, -1, { namespace: 'ns', name: 'api' }]);
  });

  it('checks at most once a second, whatever shorter interval the spec asks for', async () => {
    const w = world([], smig('10ms'));
    expect(await w.check()).to.equal(1000);
  });

  it('is off with interval 0: no read, no requeue', async () => {
    const w = world([col], smig('0'));
    expect(await w.check()).to.equal(undefined);
    expect(w.reads()).to.equal(0);
    expect(drifted(w.obj)).to.equal(undefined);
  });
});
