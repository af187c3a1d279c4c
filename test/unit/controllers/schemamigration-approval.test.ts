import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import {
  approvalVerdict,
  approveHook,
  statusPlan,
  type ApprovalMode,
  type ApprovalVerdict,
  type ApprovalWait,
} from '../../../src/controllers/schemamigration/approval.js';
import { ApprovalReporter } from '../../../src/controllers/schemamigration/approval-step.js';
import type { SchemaMigrationDeps } from '../../../src/controllers/schemamigration/deps.js';
import { statusFor } from '../../../src/controllers/schemamigration/status.js';
import { pendingFindings, type LintFinding } from '../../../src/engine/lint.js';
import type { Migration } from '../../../src/engine/source.js';
import { planHash } from '../../../src/engine/plan-hash.js';
import { plan } from '../../../src/engine/plan.js';
import { parseMigration } from '../../../src/engine/source.js';
import type { ReconcileContext } from '../../../src/kube/index.js';

const risky = parseMigration({
  name: '2_widen.sql',
  content: 'ALTER TABLE users ALTER COLUMN name TYPE bigint;',
});
const safe = parseMigration({ name: '1_t.sql', content: 'CREATE TABLE users (id int);' });

function smig(approval: ApprovalMode | undefined, annotation?: string): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: {
      name: 'api',
      namespace: 'ns',
      generation: 1,
      ...(annotation ? { annotations: { 'schema.streamspace.io/approve': annotation } } : {}),
    },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: {}, approval },
  } as SchemaMigration;
}

/** A database that knows no table sizes and lints as `lint --dir` does (no pg_proc). */
const noSizes = {
  tableSizes: () => Promise.resolve(new Map()),
  lint: (pending: Migration[]) => pendingFindings(undefined, pending, pending),
};

describe('approval of plans', () => {
  describe('the decision table', () => {
    const H = 'abc';
    const cases: Array<[ApprovalMode, number, number, string | undefined, ApprovalVerdict]> = [
      ['Automatic', 3, 2, undefined, 'run'],
      ['Risky', 0, 0, undefined, 'run'],
      ['Risky', 2, 0, undefined, 'run'],
      ['Risky', 2, 1, undefined, 'wait'],
      ['Risky', 2, 1, '', 'wait'],
      ['Risky', 2, 1, H, 'run'],
      ['Risky', 2, 1, ` ${H}\n`, 'run'],
      ['Risky', 2, 1, 'other', 'stale'],
      ['Always', 0, 0, undefined, 'run'],
      ['Always', 1, 0, undefined, 'wait'],
      ['Always', 1, 0, H, 'run'],
      ['Always', 1, 0, 'old', 'stale'],
    ];
    for (const [mode, pending, findings, annotation, verdict] of cases)
      it(`${mode}, ${pending} pending, ${findings} finding(s), annotation ${JSON.stringify(annotation)}: ${verdict}`, () =>
        expect(approvalVerdict({ mode, pending, findings, hash: H, annotation })).to.equal(
          verdict,
        ));
  });

  describe('the engine hook', () => {
    it('lets a Risky plan without findings run', async () => {
      const hook = approveHook(smig('Risky'), () => expect.fail('must not wait'));
      expect(await hook(plan([safe], []), noSizes)).to.equal(true);
    });

    it('holds a Risky plan with a finding, with the hash and how to approve it', async () => {
      let wait: ApprovalWait | undefined;
      const p = plan([safe, risky], []);
      const hook = approveHook(smig('Risky'), (w) => (wait = w));
      expect(await hook(p, noSizes)).to.equal(false);
      expect(wait!.plan.hash).to.equal(planHash(p));
      expect(wait!.plan.files!.map((f) => f.version)).to.deep.equal(['1', '2']);
      expect(wait!.plan.findings!.map((f) => f.rule)).to.include('alter-column-type');
      expect(wait!.message).to.include(
        `kubectl annotate smig api schema.streamspace.io/approve=${planHash(p)}`,
      );
      expect(wait!.staleHash).to.equal(undefined);
    });

    it('runs the plan the annotation names, and not another one', async () => {
      const p = plan([safe, risky], []);
      expect(await approveHook(smig('Always', planHash(p)), () => undefined)(p, noSizes)).to.equal(
        true,
      );
      let wait: ApprovalWait | undefined;
      const later = plan([safe, risky], []);
      later.highestApplied = '1';
      expect(
        await approveHook(smig('Always', planHash(p)), (w) => (wait = w))(later, noSizes),
      ).to.equal(false);
      expect(wait!.staleHash).to.equal(planHash(p));
    });

    it('adds the estimated rows and size of a finding table the database knows', async () => {
      const asked: string[][] = [];
      const sizes = {
        tableSizes: (names: string[]) => {
          asked.push(names);
          return Promise.resolve(new Map([['app.users', { estimatedRows: 7, sizeBytes: 8192 }]]));
        },
        lint: noSizes.lint,
      };
      const finding = { rule: 'alter-column-type', file: '2_widen.sql', line: 1, message: 'm' };
      const findings = [
        { ...finding, lock: 'ACCESS EXCLUSIVE', rewrites: true, table: 'app.users' },
        { ...finding, table: 'app.new_table' },
        finding,
      ] as LintFinding[];
      const sp = await statusPlan(plan([safe, risky], []), 'h', '2', findings, sizes);
      expect(asked).to.deep.equal([['app.users', 'app.new_table']]);
      expect(sp).to.include({ hash: 'h', target: '2' });
      expect(sp.findings![0]).to.include({
        lock: 'ACCESS EXCLUSIVE',
        rewrites: true,
        table: 'app.users',
        estimatedRows: 7,
        sizeBytes: 8192,
      });
      expect(sp.findings![1]).not.to.have.property('sizeBytes');
      expect(sp.findings![2]).not.to.have.property('lock');
    });
  });

  describe('the report of a waiting plan', () => {
    function fakeDeps() {
      const events: string[] = [];
      const writes: unknown[] = [];
      const deps = {
        events: {
          record: (_o: unknown, type: string, reason: string, note: string) => {
            events.push(`${type} ${reason}: ${note}`);
            return Promise.resolve();
          },
        },
        statusWriter: {
          write: (_o: unknown, s: unknown) => {
            writes.push(s);
            return Promise.resolve();
          },
        },
      } as unknown as SchemaMigrationDeps;
      return { deps, events, writes };
    }
    const stamp = { generation: 1, now: new Date('2026-01-01T00:00:00Z') };
    const p = plan([safe, risky], []);
    const wait = (staleHash?: string): ApprovalWait => ({
      plan: { hash: planHash(p) },
      message: 'waits',
      ...(staleHash ? { staleHash } : {}),
    });
    const attempt = (obj: SchemaMigration) => ({
      ctx: {} as ReconcileContext,
      key: 'ns/api',
      obj,
      st: statusFor(obj.status, stamp),
    });

    it('sets AwaitingApproval and announces the plan once', async () => {
      const { deps, events } = fakeDeps();
      const r = new ApprovalReporter(deps);
      const a = attempt(smig('Risky'));
      await r.report(a, wait(), { plan: p, applied: [], baselined: null, lockWaitMs: 0 }, [
        safe,
        risky,
      ]);
      expect(a.st.status.phase).to.equal('AwaitingApproval');
      expect(a.st.status.plan?.hash).to.equal(planHash(p));
      const ready = a.st.status.conditions!.find((c) => c.type === 'Ready')!;
      expect(ready).to.include({ status: 'False', reason: 'AwaitingApproval' });
      const again = attempt({ ...smig('Risky'), status: a.st.status });
      await r.report(again, wait(), { plan: p, applied: [], baselined: null, lockWaitMs: 0 }, []);
      expect(events).to.deep.equal(['Normal AwaitingApproval: waits']);
    });

    it('warns once per distinct stale hash', async () => {
      const { deps, events } = fakeDeps();
      const r = new ApprovalReporter(deps);
      const result = { plan: p, applied: [], baselined: null, lockWaitMs: 0 };
      const obj = { ...smig('Risky'), status: { plan: { hash: planHash(p) } } };
      await r.report(attempt(obj), wait('old1'), result, []);
      await r.report(attempt(obj), wait('old1'), result, []);
      await r.report(attempt(obj), wait('old2'), result, []);
      const stale = events.filter((e) => e.startsWith('Warning ApprovalStale'));
      expect(stale).to.have.length(2);
      expect(stale[0]).to.include('old1').and.include('approves nothing');
      expect(stale[1]).to.include('old2');
    });
  });
});
