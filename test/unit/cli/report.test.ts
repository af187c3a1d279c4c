import { expect } from 'chai';
import {
  errorJson,
  heldLine,
  ledgerJson,
  planDetails,
  planJson,
  planLine,
} from '../../../src/cli/report.js';
import {
  ConnectionError,
  MigrationFailedError,
  type LedgerRow,
  type Migration,
  type MigrationFailure,
  type Plan,
} from '../../../src/engine/index.js';

function migration(
  version: string,
  name: string,
  transactional = true,
  contract = false,
): Migration {
  const file = `${version}_${name}.sql`;
  return {
    version,
    name,
    file,
    sql: '',
    checksum: `c${version}`,
    statementsChecksum: `s${version}`,
    statements: [],
    transactional,
    contract,
  };
}

function row(version: string, name: string, kind: LedgerRow['kind'] = 'migration'): LedgerRow {
  return {
    installedRank: Number(version),
    version,
    name,
    checksum: `c${version}`,
    statementsChecksum: null,
    kind,
    transactional: true,
    outOfOrder: false,
    appliedBy: 'schema-operator',
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    finishedAt: new Date('2026-01-02T03:04:06.500Z'),
    executionMs: 1500,
  };
}

function emptyPlan(): Plan {
  return {
    applied: [],
    pending: [],
    changed: [],
    commentsOnly: [],
    missing: [],
    outOfOrder: [],
    baseline: null,
    belowBaseline: [],
    beyondTarget: [],
    held: [],
    highestApplied: null,
  };
}

/** A plan with something in every set. */
function fullPlan(): Plan {
  const late = migration('002', 'late');
  return {
    applied: [{ migration: migration('003', 'applied'), row: row('003', 'applied') }],
    pending: [late, migration('004', 'index', false)],
    changed: [{ version: '003', name: 'applied', applied: 'aaa', current: 'bbb' }],
    commentsOnly: [],
    missing: [row('005', 'gone')],
    outOfOrder: [late],
    baseline: row('001', 'base', 'baseline'),
    belowBaseline: [],
    beyondTarget: [migration('009', 'later')],
    held: [],
    highestApplied: '005',
  };
}

describe('CLI report', () => {
  it('counts only the four main sets of a plain plan', () =>
    expect(planLine(emptyPlan())).to.equal('plan: 0 applied, 0 pending, 0 changed, 0 missing'));

  it('adds out-of-order, baseline and target counts when there are any', () =>
    expect(planLine(fullPlan())).to.equal(
      'plan: 1 applied, 2 pending, 1 changed, 1 missing, 1 out of order, baseline 001, 1 past the target',
    ));

  it('details pending, changed and missing files, marking no-transaction and out-of-order ones', () =>
    expect(planDetails(fullPlan())).to.deep.equal([
      '  pending  002_late (out of order)',
      '  pending  004_index (no-transaction)',
      '  changed  003_applied: applied aaa, file bbb',
      '  missing  005_gone (in the ledger, not in the source)',
    ]));

  it('marks contract files and lists held ones after the pending ones', () => {
    const p = emptyPlan();
    p.pending = [migration('005', 'expand')];
    p.held = [migration('006', 'contract', true, true), migration('007', 'after')];
    expect(planDetails(p)).to.deep.equal([
      '  pending  005_expand',
      '  held     006_contract (contract)',
      '  held     007_after',
    ]);
    expect(planLine(p)).to.equal(
      'plan: 0 applied, 1 pending, 0 changed, 0 missing, 2 held at contract 006',
    );
    expect(planJson(p).held).to.deep.equal([
      { version: '006', name: 'contract', contract: true },
      { version: '007', name: 'after', contract: false },
    ]);
    expect(planJson(p).contracts).to.deep.equal(['006']);
    expect(heldLine(p)).to.match(/^stopped before contract migration 006_contract \(2 held\): /);
    expect(heldLine(emptyPlan())).to.equal('');
  });

  it('has no detail lines for an empty plan', () => expect(planDetails(emptyPlan())).to.be.empty);

  it('writes a plan as versions and names only', () =>
    expect(planJson(fullPlan())).to.deep.equal({
      applied: ['003'],
      pending: [
        { version: '002', name: 'late', transactional: true, contract: false },
        { version: '004', name: 'index', transactional: false, contract: false },
      ],
      held: [],
      changed: [{ version: '003', name: 'applied', applied: 'aaa', current: 'bbb' }],
      commentsOnly: [],
      missing: [{ version: '005', name: 'gone' }],
      outOfOrder: ['002'],
      baseline: '001',
      beyondTarget: ['009'],
      contracts: [],
      highestApplied: '005',
    }));

  it('writes no baseline as null', () => expect(planJson(emptyPlan()).baseline).to.equal(null));

  it('writes ledger rows with ISO times and without the start time or rank', () =>
    expect(ledgerJson([row('001', 'init')])).to.deep.equal([
      {
        version: '001',
        name: 'init',
        checksum: 'c001',
        statementsChecksum: null,
        kind: 'migration',
        transactional: true,
        outOfOrder: false,
        appliedBy: 'schema-operator',
        finishedAt: '2026-01-02T03:04:06.500Z',
        executionMs: 1500,
      },
    ]));

  it('writes a missing ledger as null', () => expect(ledgerJson(null)).to.equal(null));

  describe('errorJson', () => {
    it('gives an engine error its reason and exit code', () =>
      expect(errorJson(new ConnectionError('while connecting: refused'))).to.deep.equal({
        reason: 'ConnectionError',
        message: 'while connecting: refused',
        exitCode: 3,
      }));

    it('adds the failure details of a failed migration', () => {
      const failure: MigrationFailure = {
        version: '002',
        name: 'x',
        file: '002_x.sql',
        sqlState: '42601',
        message: 'syntax error',
        statement: 'SELEC 1',
        line: 1,
        attempts: 1,
      };
      const doc = errorJson(new MigrationFailedError(failure, 'SQLError', false));
      expect(doc).to.deep.include({ reason: 'SQLError', exitCode: 1, failure });
      expect(doc.message).to.equal('while applying 002_x.sql:1: syntax error (SQLSTATE 42601)');
    });

    it('calls anything else an Error, even a thrown string', () =>
      expect(errorJson('boom')).to.deep.equal({ reason: 'Error', message: 'boom', exitCode: 1 }));
  });
});
