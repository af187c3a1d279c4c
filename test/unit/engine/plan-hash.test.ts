import { expect } from 'chai';
import type { LedgerRow } from '../../../src/engine/ledger.js';
import { hashOf, planHash } from '../../../src/engine/plan-hash.js';
import { plan } from '../../../src/engine/plan.js';
import { parseMigration, type Migration } from '../../../src/engine/source.js';

const m = (version: string, sql = `SELECT ${version};`): Migration =>
  parseMigration({ name: `${version}_m.sql`, content: sql });
const row = (mig: Migration): LedgerRow => ({
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
});

describe('the plan hash', () => {
  const [a, b, c] = [m('1'), m('2'), m('3')] as [Migration, Migration, Migration];
  const base = { files: [{ version: '2', checksum: 'x' }], target: null, from: '1' };

  it('is the same for the same plan, computed twice', () => {
    expect(planHash(plan([a, b, c], [row(a)]))).to.equal(planHash(plan([a, b, c], [row(a)])));
    expect(hashOf(base)).to.match(/^[0-9a-f]{16}$/);
  });

  it('changes with a new pending file', () => {
    expect(planHash(plan([a, b], [row(a)]))).not.to.equal(planHash(plan([a, b, c], [row(a)])));
  });

  it('changes with an edited pending file (its checksum)', () => {
    const edited = m('2', 'SELECT 22;');
    expect(planHash(plan([a, b], [row(a)]))).not.to.equal(planHash(plan([a, edited], [row(a)])));
  });

  it('changes with the target', () => {
    const p = plan([a, b, c], [row(a)]);
    expect(planHash(p)).not.to.equal(planHash(p, '3'));
    expect(planHash(p, '2')).not.to.equal(planHash(p, '3'));
  });

  it('changes with the applied version the run starts from', () => {
    expect(hashOf(base)).not.to.equal(hashOf({ ...base, from: '0' }));
    expect(hashOf(base)).not.to.equal(hashOf({ ...base, from: null }));
  });

  it('does not mix up fields (a version and a checksum swapped)', () => {
    const swapped = { ...base, files: [{ version: 'x', checksum: '2' }] };
    expect(hashOf(base)).not.to.equal(hashOf(swapped));
  });

  it('depends on nothing but files, target and from (table sizes are not an input)', () => {
    const withExtra = { ...base, sizes: { t: 123 } } as unknown as typeof base;
    expect(hashOf(withExtra)).to.equal(hashOf(base));
  });
});
