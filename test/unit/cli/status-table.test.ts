import { expect } from 'chai';
import { plan, type LedgerRow, type RepairRecord } from '../../../src/engine/index.js';
import { parseMigration } from '../../../src/engine/source.js';
import { alignRows, cut, ledgerTable, repairsTable, short } from '../../../src/cli/status-table.js';

const row = (version: string, name: string, over: Partial<LedgerRow> = {}): LedgerRow => ({
  installedRank: Number(version),
  version,
  name,
  checksum: `sha256:${version}`,
  statementsChecksum: null,
  kind: 'migration',
  transactional: true,
  outOfOrder: false,
  appliedBy: 't',
  startedAt: new Date('2026-01-02T03:04:05.000Z'),
  finishedAt: new Date('2026-01-02T03:04:06.500Z'),
  executionMs: 1500,
  ...over,
});

const repairOf = (version: string): RepairRecord => ({
  version,
  oldChecksum: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaa',
  newChecksum: 'sha256:bbbbbbbbbbbbbbbbbbbbbbbb',
  oldStatementsChecksum: null,
  newStatementsChecksum: 'v1:sha256:cc',
  repairedBy: 'ann@laptop',
  reason: 'fixed a typo\nin a default',
  repairedAt: new Date('2026-02-03T04:05:06.789Z'),
});

describe('the status table', () => {
  it('ends no line with blanks when the last cell is empty (a row without flags)', () => {
    const lines = alignRows([
      ['VERSION', 'FLAGS'],
      ['001', ''],
    ]);
    expect(lines[1]).to.equal('  001');
  });

  it('aligns every column on its widest cell', () => {
    expect(
      alignRows([
        ['A', 'B', 'C'],
        ['long', 'x', 'y'],
      ]),
    ).to.deep.equal(['  A     B  C', '  long  x  y']);
  });

  it('cuts a name past the width, ending it with an ellipsis', () => {
    expect(cut('x'.repeat(50), 10)).to.equal('xxxxxxxxx…');
    expect(cut('short', 10)).to.equal('short');
  });

  it('shows version, name, time, duration and every flag of a row', () => {
    const ran = parseMigration({ name: '004_edited.sql', content: 'SELECT 1;' });
    const now = parseMigration({ name: '004_edited.sql', content: '-- why\nSELECT 1;' });
    const rows = [
      row('001', 'base', { kind: 'baseline' }),
      row('002', 'a_rather_long_name_that_goes_on_and_on_and_on_forever', { outOfOrder: true }),
      row('003', 'idx', { transactional: false }),
      row('004', 'edited', { checksum: ran.checksum, statementsChecksum: ran.statementsChecksum }),
    ];
    const p = plan([now], rows);
    const lines = ledgerTable(rows, p, [repairOf('003')]);
    expect(lines).to.deep.equal([
      '  VERSION  NAME                                      APPLIED AT            DURATION  FLAGS',
      '  001      base                                      2026-01-02 03:04:06Z  1500 ms   baseline',
      '  002      a_rather_long_name_that_goes_on_and_on_…  2026-01-02 03:04:06Z  1500 ms   out of order',
      '  003      idx                                       2026-01-02 03:04:06Z  1500 ms   no-transaction, repaired',
      '  004      edited                                    2026-01-02 03:04:06Z  1500 ms   edited (comments only)',
    ]);
  });

  it('lists the repair history with short checksums, who, when and why on one line', () => {
    expect(repairsTable([repairOf('003')])).to.deep.equal([
      'repairs:',
      '  VERSION  CHECKSUM                                    BY          AT                    REASON',
      '  003      sha256:aaaaaaaaaaaa -> sha256:bbbbbbbbbbbb  ann@laptop  2026-02-03 04:05:06Z  fixed a typo in a default',
    ]);
    expect(repairsTable([])).to.deep.equal([]);
  });

  it('keeps the algorithm and 12 hex digits of a checksum', () => {
    expect(short('sha256:0123456789abcdef')).to.equal('sha256:0123456789ab');
  });
});
