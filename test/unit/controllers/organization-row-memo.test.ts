import { expect } from 'chai';
import { RowMemo, ROW_MEMO_TTL_MS } from '../../../src/controllers/organization/row-memo.js';
import type { OrgDatabase, OrgRow } from '../../../src/controllers/organization/sql.js';

const db = {} as OrgDatabase;
const other = {} as OrgDatabase;
const row: OrgRow = {
  id: 'acme',
  name: 'acme',
  displayName: 'Acme',
  description: null,
  namespace: 'acme',
  status: 'active',
  uid: 'u1',
  adoptUnrecorded: false,
};

function memo() {
  const clock = { ms: 1_000_000 };
  return { clock, m: new RowMemo(() => clock.ms) };
}

describe('organization row memo', () => {
  it('stands in for the same row, database and retry annotation until the TTL', () => {
    const { clock, m } = memo();
    expect(m.fresh('acme', db, row, undefined)).to.equal(false);
    m.remember('acme', db, row, undefined);
    expect(m.fresh('acme', db, row, undefined)).to.equal(true);
    // Whether an unrecorded row may be adopted only matters before the first write.
    expect(m.fresh('acme', db, { ...row, adoptUnrecorded: true }, undefined)).to.equal(true);
    clock.ms += ROW_MEMO_TTL_MS - 1;
    expect(m.fresh('acme', db, row, undefined)).to.equal(true);
    clock.ms += 1;
    expect(m.fresh('acme', db, row, undefined)).to.equal(false);
    expect(m.size).to.equal(0);
  });

  const changes: Array<[string, Partial<OrgRow>]> = [
    ['display name', { displayName: 'Acme Inc' }],
    ['description', { description: 'd' }],
    ['namespace', { namespace: 'acme-2' }],
    ['status', { status: 'suspended' }],
    ['uid (a new object of the same name)', { uid: 'u2' }],
  ];
  for (const [what, change] of changes)
    it(`does not stand in for a row with another ${what}`, () => {
      const { m } = memo();
      m.remember('acme', db, row, undefined);
      expect(m.fresh('acme', db, { ...row, ...change }, undefined)).to.equal(false);
    });

  it('does not stand in for another database handle, another retry value, or a forgotten key', () => {
    const { m } = memo();
    m.remember('acme', db, row, '1');
    expect(m.fresh('acme', other, row, '1')).to.equal(false);
    expect(m.fresh('acme', db, row, '2')).to.equal(false);
    expect(m.fresh('acme', db, row, undefined)).to.equal(false);
    expect(m.fresh('acme', db, row, '1')).to.equal(true);
    m.forget('acme');
    expect(m.fresh('acme', db, row, '1')).to.equal(false);
  });
});
