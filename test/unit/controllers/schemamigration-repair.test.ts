import { expect } from 'chai';
import type { SchemaMigrationStatus } from '../../../src/api/index.js';
import { schemaMigrationReconciler } from '../../../src/controllers/schemamigration/reconciler.js';
import {
  repairAnnotation,
  repairedBy,
} from '../../../src/controllers/schemamigration/repair-annotation.js';
import type { StatusWriter } from '../../../src/controllers/status-writer.js';
import {
  ChecksumMismatchError,
  plan,
  type MigrateObserver,
  type MigrateResult,
  type RunOptions,
} from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { testSmig } from '../../support/schemamigration-fixture.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };
const SUM = 'sha256:' + 'a'.repeat(64);

const smig = (annotations: Record<string, string> = {}) => testSmig({ annotations });

describe('the repair annotation', () => {
  it('reads one VERSION:CHECKSUM or a comma-separated list, with the reason and the CR as who', () => {
    const r = repairAnnotation(
      smig({
        'schema.streamspace.io/repair': `002:${SUM}, 003:${SUM}`,
        'schema.streamspace.io/repair-reason': ' hotfix ',
      }),
    );
    expect(r.malformed).to.deep.equal([]);
    expect(r.requests).to.deep.equal([
      { version: '002', reason: 'hotfix', by: 'SchemaMigration ns/api', expectChecksum: SUM },
      { version: '003', reason: 'hotfix', by: 'SchemaMigration ns/api', expectChecksum: SUM },
    ]);
  });

  it('passes a missing reason on as empty, for the engine to refuse and the status to name', () => {
    const r = repairAnnotation(smig({ 'schema.streamspace.io/repair': `002:${SUM}` }));
    expect(r.requests[0]!.reason).to.equal('');
  });

  for (const bad of ['002', 'v2:sha256:x', ':sha256:x', '002:']) {
    it(`calls the entry "${bad}" malformed and asks for nothing`, () => {
      const r = repairAnnotation(smig({ 'schema.streamspace.io/repair': bad }));
      expect(r.requests).to.deep.equal([]);
      expect(r.malformed[0]).to.match(/is not VERSION:CHECKSUM/);
    });
  }

  it('asks for nothing without the annotation', () => {
    expect(repairAnnotation(smig())).to.deep.equal({ requests: [], malformed: [] });
  });

  it('names the field manager that set the annotation when managedFields says', () => {
    const o = smig();
    o.metadata.managedFields = [
      {
        manager: 'kubectl-annotate',
        operation: 'Update',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:schema.streamspace.io/repair': {} } } },
      },
    ];
    expect(repairedBy(o)).to.equal('SchemaMigration ns/api (annotated by kubectl-annotate)');
  });
});

describe('the SchemaMigration reconciler with a repair annotation', () => {
  function world(engine: (o: RunOptions, obs: MigrateObserver) => Promise<MigrateResult>) {
    const obj = smig();
    const events: string[] = [];
    const runs: RunOptions[] = [];
    const writer: StatusWriter<SchemaMigrationStatus> = {
      async write(o, status) {
        o.status = structuredClone(status);
      },
      async writeThrottled() {},
      forget() {},
    };
    const reconcile = schemaMigrationReconciler({
      get: () => obj,
      readConfigMap: async () => ({ data: { '001_a.sql': 'SELECT 1;' } }),
      readSecretKey: async (_ns, _name, key) =>
        key === 'url' ? 'postgres://u:p@db:5432/app' : undefined,
      statusWriter: writer,
      events: {
        record: async (_o, type, reason, note) => void events.push(`${type} ${reason}: ${note}`),
      },
      migrate: async (o, obs) => {
        runs.push(o);
        return engine(o, obs ?? {});
      },
      checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
      appliedBy: 'test',
    });
    return { obj, events, runs, reconcile };
  }

  it('wakes a CR stalled on a mismatch when the repair is annotated, and records Repaired', async () => {
    let repaired = false;
    const w = world(async (o, obs) => {
      if (!o.repairs?.length)
        throw new ChecksumMismatchError([
          { version: '001', name: 'a', applied: 'x', current: SUM },
        ]);
      const r = {
        version: '001',
        oldChecksum: 'x',
        newChecksum: SUM,
        oldStatementsChecksum: null,
        newStatementsChecksum: null,
        repairedBy: o.repairs[0]!.by!,
        reason: o.repairs[0]!.reason,
        repairedAt: new Date(),
      };
      await obs.onRepaired?.(r);
      repaired = true;
      return {
        plan: plan(o.migrations, []),
        applied: [],
        baselined: null,
        lockWaitMs: 0,
        repaired: [r],
      };
    });
    await w.reconcile(ctx, 'ns/api');
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(1);
    w.obj.metadata.annotations = {
      'schema.streamspace.io/repair': `001:${SUM}`,
      'schema.streamspace.io/repair-reason': 'typo fixed by hand',
    };
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(2);
    expect(repaired).to.equal(true);
    expect(w.runs[1]!.repairs).to.deep.equal([
      {
        version: '001',
        reason: 'typo fixed by hand',
        by: 'SchemaMigration ns/api',
        expectChecksum: SUM,
      },
    ]);
    expect(w.events.at(-1)).to.equal(
      `Normal Repaired: repaired 001: the ledger had x, now ${SUM} (typo fixed by hand)`,
    );
  });

  it('records a Warning for a malformed entry', async () => {
    const w = world(async (o) => ({
      plan: plan(o.migrations, []),
      applied: [],
      baselined: null,
      lockWaitMs: 0,
    }));
    w.obj.metadata.annotations = { 'schema.streamspace.io/repair': 'nonsense' };
    await w.reconcile(ctx, 'ns/api');
    expect(w.events[0]).to.match(/^Warning RepairRefused: .*"nonsense" is not VERSION:CHECKSUM/);
  });
});
