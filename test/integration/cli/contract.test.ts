import { expect } from 'chai';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import { freshDatabase, query } from '../../support/pg.js';

/** The rename-column example of docs/expand-contract.md, on a small table. */
const FILES = {
  '001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, fullname text);',
  '002_add_display_name.sql':
    'ALTER TABLE users ADD COLUMN display_name text;\nUPDATE users SET display_name = fullname;',
  '003_drop_fullname.sql': '-- schema-operator: contract\nALTER TABLE users DROP COLUMN fullname;',
  '004_after.sql': 'CREATE TABLE after_contract (id int);',
};

describe('the CLI with a contract migration', () => {
  let url: string;
  beforeEach(async () => {
    url = await freshDatabase(18);
  });
  const versions = async () =>
    (
      await query<{ version: string }>(
        url,
        'SELECT version FROM schema_operator_history ORDER BY installed_rank',
      )
    ).map((r) => r.version);

  it('migrate stops before the contract, says why and exits 0; --contract runs the rest', async () => {
    const dir = migrationDir(FILES);
    const r = await runCli(['migrate', '--database-url', url, '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/applied 2 migration\(s\); database at version 002/);
    expect(r.stdout).to.match(
      /stopped before contract migration 003_drop_fullname \(2 held\): .*--contract/,
    );
    expect(await versions()).to.deep.equal(['001', '002']);

    const again = await runCli(['migrate', '--database-url', url, '--dir', dir, '--json']);
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.deep.include({ applied: [], heldAt: '003' });

    const all = await runCli(['migrate', '--database-url', url, '--dir', dir, '--contract']);
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout).to.match(/applied 2 migration\(s\); database at version 004/);
    expect(all.stdout).to.not.match(/stopped before/);
    expect(await versions()).to.deep.equal(['001', '002', '003', '004']);
  });

  it('plan shows the held files and marks the contract; status marks it pending and applied', async () => {
    const dir = migrationDir(FILES);
    const p = await runCli(['plan', '--database-url', url, '--dir', dir]);
    expect(p.code, p.stderr).to.equal(0);
    expect(p.stdout).to.include('  held     003_drop_fullname (contract)\n  held     004_after');
    expect(p.stdout).to.match(/2 held at contract 003/);
    const pj = JSON.parse(
      (await runCli(['plan', '--database-url', url, '--dir', dir, '--json'])).stdout,
    );
    expect(pj.plan.contracts).to.deep.equal(['003']);
    expect(pj.plan.held.map((m: { version: string }) => m.version)).to.deep.equal(['003', '004']);

    const s = await runCli(['status', '--database-url', url, '--dir', dir]);
    expect(s.stdout).to.include('  pending  003_drop_fullname (contract)');
    await runCli(['migrate', '--database-url', url, '--dir', dir, '--contract']);
    const after = await runCli(['status', '--database-url', url, '--dir', dir]);
    expect(after.stdout).to.match(/^ {2}003 +drop_fullname +\S+ \S+ +\d+ ms +contract$/m);
  });
});
