import { expect } from 'chai';
import {
  ChecksumMismatchError,
  InvalidSourceError,
  OutOfOrderError,
} from '../../../src/engine/errors.js';
import type { LedgerRow } from '../../../src/engine/ledger.js';
import { assertSafe, plan } from '../../../src/engine/plan.js';
import { parseMigration, type Migration } from '../../../src/engine/source.js';

const m = (version: string, sql = `SELECT ${version.replace(/\./g, '')};`): Migration =>
  parseMigration({ name: `${version}_m.sql`, content: sql });
const row = (mig: Migration, over: Partial<LedgerRow> = {}): LedgerRow => ({
  installedRank: 1,
  version: mig.version,
  name: mig.name,
  checksum: mig.checksum,
  statementsChecksum: null,
  kind: 'migration',
  transactional: true,
  outOfOrder: false,
  appliedBy: 't',
  startedAt: new Date(0),
  finishedAt: new Date(0),
  executionMs: 1,
  ...over,
});
const versions = (ms: Migration[]) => ms.map((x) => x.version);

describe('the plan', () => {
  const [a, b, c, d] = [m('1'), m('2'), m('3'), m('4')] as [
    Migration,
    Migration,
    Migration,
    Migration,
  ];

  it('finds every file pending on an empty ledger', () => {
    const p = plan([a, b, c], []);
    expect(versions(p.pending)).to.deep.equal(['1', '2', '3']);
    expect(p.highestApplied).to.equal(null);
  });

  it('matches files to ledger rows by version, not by the highest applied', () => {
    // 2 was never applied although 3 was: it is pending (and out of order).
    const p = plan([a, b, c, d], [row(a), row(c)]);
    expect(versions(p.pending)).to.deep.equal(['2', '4']);
    expect(versions(p.outOfOrder)).to.deep.equal(['2']);
    expect(p.applied.map((x) => x.migration.version)).to.deep.equal(['1', '3']);
  });

  it('reports an edited applied file with both checksums', () => {
    const p = plan([a, b], [row(a, { checksum: 'sha256:old' }), row(b)]);
    expect(p.changed).to.deep.equal([
      { version: '1', name: 'm', applied: 'sha256:old', current: a.checksum },
    ]);
    expect(() => assertSafe(p)).to.throw(ChecksumMismatchError, /sha256:old.*sha256:[0-9a-f]{64}/);
  });

  it('takes an applied file edited in comments only as applied, not changed', () => {
    const ran = m('1', 'SELECT 1;');
    const edited = m('1', '-- why we select one\nSELECT   1;');
    const p = plan([edited], [row(ran, { statementsChecksum: ran.statementsChecksum })]);
    expect(p.changed).to.deep.equal([]);
    expect(p.commentsOnly).to.deep.equal([
      { version: '1', name: 'm', applied: ran.checksum, current: edited.checksum },
    ]);
    expect(() => assertSafe(p)).to.not.throw();
  });

  it('still refuses a real edit when the ledger has the statements checksum', () => {
    const ran = m('1', 'SELECT 1;');
    const edited = m('1', 'SELECT 2;');
    const p = plan([edited], [row(ran, { statementsChecksum: ran.statementsChecksum })]);
    expect(p.commentsOnly).to.deep.equal([]);
    expect(() => assertSafe(p)).to.throw(
      ChecksumMismatchError,
      /schema-operator repair --version 1/,
    );
  });

  it('refuses a comments-only edit of a row written before the statements checksum existed', () => {
    const ran = m('1', 'SELECT 1;');
    const p = plan([m('1', '-- note\nSELECT 1;')], [row(ran)]);
    expect(p.changed.map((c) => c.version)).to.deep.equal(['1']);
  });

  it('never splits an applied file whose checksum matches the ledger', () => {
    const a1 = m('1', 'SELECT 1;');
    let split = false;
    const watched = Object.defineProperty({ ...a1 }, 'statementsChecksum', {
      get: () => {
        split = true;
        return '';
      },
    });
    plan([watched as Migration], [row(a1)]);
    expect(split).to.equal(false);
  });

  it('names a repair that was not made beside the mismatch of its version only', () => {
    const p = plan([m('1', 'SELECT 2;')], [row(m('1', 'SELECT 1;'))]);
    const notes = [
      { version: '1', message: 'repair of 1 not done: it names checksum x' },
      { version: '7', message: 'repair of 7 not done' },
    ];
    const err = (() => {
      try {
        assertSafe(p, {}, notes);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).to.be.instanceOf(ChecksumMismatchError);
    expect(err!.message)
      .to.match(/repair of 1 not done/)
      .and.not.match(/repair of 7/);
  });

  it('reports ledger rows without a file as missing, which is not fatal', () => {
    const p = plan([b], [row(a), row(b)]);
    expect(p.missing.map((r) => r.version)).to.deep.equal(['1']);
    expect(() => assertSafe(p)).to.not.throw();
  });

  it('refuses out-of-order files unless allowed', () => {
    const p = plan([a, b, c], [row(a), row(c)]);
    expect(() => assertSafe(p)).to.throw(OutOfOrderError, /2 .*newest applied version 3/);
    expect(() => assertSafe(p, { outOfOrder: true })).to.not.throw();
  });

  it('stops at the target version', () => {
    const p = plan([a, b, c, d], [row(a)], { target: '3' });
    expect(versions(p.pending)).to.deep.equal(['2', '3']);
    expect(versions(p.beyondTarget)).to.deep.equal(['4']);
  });

  it('refuses a target that is not one of the files', () => {
    expect(() => plan([a, b], [], { target: '7' })).to.throw(
      InvalidSourceError,
      /target version 7/,
    );
  });

  it('never runs files at or below the baseline', () => {
    const base = row(b, { kind: 'baseline', name: 'baseline', checksum: '' });
    const p = plan([a, b, c], [base]);
    expect(versions(p.belowBaseline)).to.deep.equal(['1', '2']);
    expect(versions(p.pending)).to.deep.equal(['3']);
    expect(p.outOfOrder).to.deep.equal([]);
  });

  it('matches 001 in the ledger with 1 in the source', () => {
    const p = plan([a], [row(a, { version: '001' })]);
    expect(p.pending).to.deep.equal([]);
    expect(p.missing).to.deep.equal([]);
  });

  describe('with a contract hold', () => {
    const contract = (v: string) =>
      parseMigration({
        name: `${v}_drop.sql`,
        content: `-- schema-operator: contract\nSELECT ${v};`,
      });
    const [e, f] = [contract('5'), m('6')] as [Migration, Migration];
    const all = [a, b, c, d, e, f];
    const asked: Array<[string, string | null]> = [];
    const holdAll = (x: Migration, previous: string | null) => {
      asked.push([x.version, previous]);
      return true;
    };

    beforeEach(() => (asked.length = 0));

    it('runs what comes before the first held contract and holds it and the rest', () => {
      const p = plan(all, [row(a), row(b)], { holdContract: holdAll });
      expect(versions(p.pending)).to.deep.equal(['3', '4']);
      expect(versions(p.held)).to.deep.equal(['5', '6']);
      expect(asked).to.deep.equal([['5', '4']]);
    });

    it('asks only about contract migrations, with the version before it in the source', () => {
      const p = plan(all, [row(a), row(b), row(c), row(d)], { holdContract: () => false });
      expect(versions(p.pending)).to.deep.equal(['5', '6']);
      expect(p.held).to.deep.equal([]);
    });

    it('names the source version before an applied-out-of-order gap, not the highest applied', () => {
      plan(all, [row(a), row(d)], { holdContract: holdAll, outOfOrder: true });
      expect(asked).to.deep.equal([['5', '4']]);
    });

    it('gives a first contract migration no previous version', () => {
      const first = contract('1');
      plan([first, b], [], { holdContract: holdAll });
      expect(asked).to.deep.equal([['1', null]]);
    });

    it('leaves a contract past the target out entirely, without asking', () => {
      const p = plan(all, [row(a)], { holdContract: holdAll, target: '4' });
      expect(versions(p.pending)).to.deep.equal(['2', '3', '4']);
      expect(versions(p.beyondTarget)).to.deep.equal(['5', '6']);
      expect(p.held).to.deep.equal([]);
      expect(asked).to.deep.equal([]);
    });

    it('holds nothing without a hook, contract or not', () => {
      const p = plan(all, []);
      expect(versions(p.pending)).to.deep.equal(['1', '2', '3', '4', '5', '6']);
      expect(p.held).to.deep.equal([]);
    });

    it('does not refuse a held file as out of order', () => {
      const p = plan(all, [row(a), row(f)], { holdContract: holdAll });
      expect(versions(p.pending)).to.deep.equal(['2', '3', '4']);
      expect(versions(p.held)).to.deep.equal(['5']);
      expect(versions(p.outOfOrder)).to.deep.equal(['2', '3', '4']);
    });
  });
});
