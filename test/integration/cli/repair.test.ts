import { expect } from 'chai';
import { runCli } from '../../support/cli.js';
import { migrationDir, writeFiles } from '../../support/files.js';
import { freshDatabase, query } from '../../support/pg.js';

describe('the CLI with an edited applied file', () => {
  let url: string;
  let dir: string;
  const cli = (...args: string[]) => runCli([...args, '--database-url', url, '--dir', dir]);
  beforeEach(async () => {
    url = await freshDatabase(18);
    dir = migrationDir({
      '001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);',
      '002_defaults.sql': "ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';",
    });
    expect((await cli('migrate')).code).to.equal(0);
  });

  it('migrate and status take a comments-only edit as applied, and say so', async () => {
    writeFiles(dir, {
      '002_defaults.sql':
        "-- the plan a new user gets\nALTER TABLE users\n  ADD COLUMN plan text DEFAULT 'free';",
    });
    const m = await cli('migrate');
    expect(m.code, m.stderr).to.equal(0);
    expect(m.stdout).to.include('002_defaults: edited (comments only)');
    const s = await cli('status');
    expect(s.code, s.stderr).to.equal(0);
    expect(s.stdout).to.match(/^ {2}002 +defaults +.* edited \(comments only\)$/m);
    expect(s.stdout).to.include('1 edited (comments only)');
    const j = JSON.parse((await cli('status', '--json')).stdout);
    expect(j.plan.commentsOnly.map((c: { version: string }) => c.version)).to.deep.equal(['002']);
    expect(j.plan.changed).to.deep.equal([]);
  });

  it('a real edit fails until repaired; repair records who, why and the checksums, once', async () => {
    writeFiles(dir, {
      '002_defaults.sql': "ALTER TABLE users ADD COLUMN plan text DEFAULT 'trial';",
    });
    const failed = await cli('migrate');
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.match(/schema-operator repair --version 002 --reason TEXT/);

    const r = await cli(
      'repair',
      '--version',
      '002',
      '--reason',
      'default changed by hand in prod',
      '--json',
    );
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.repaired).to.include({ version: '002', reason: 'default changed by hand in prod' });
    expect(doc.repaired.repairedBy).to.match(/.+@.+/);

    expect((await cli('migrate')).code).to.equal(0);
    const again = await cli('repair', '--version', '002', '--reason', 'again');
    expect(again.code).to.equal(0);
    expect(again.stdout).to.match(/nothing to repair/);
    const rows = await query(url, 'SELECT version, reason FROM schema_operator_repairs');
    expect(rows).to.deep.equal([{ version: '002', reason: 'default changed by hand in prod' }]);

    const s = await cli('status');
    expect(s.stdout).to.match(/^ {2}002 +defaults +.* repaired$/m);
    expect(s.stdout).to.match(
      /^repairs:\n {2}VERSION +CHECKSUM +BY +AT +REASON\n {2}002 +sha256:\w{12} -> sha256:\w{12} +\S+ +\S+ \S+ +default changed by hand in prod$/m,
    );
    const j = JSON.parse((await cli('status', '--json')).stdout);
    expect(j.repairs.map((x: { version: string }) => x.version)).to.deep.equal(['002']);
  });

  for (const c of [
    {
      what: 'an empty reason',
      args: ['--version', '002', '--reason', ' '],
      why: /--reason must not be empty/,
    },
    { what: 'no reason', args: ['--version', '002'], why: /--reason/ },
    {
      what: 'a version never applied',
      args: ['--version', '003', '--reason', 'x'],
      why: /no file of version 003/,
    },
    { what: 'a bad version', args: ['--version', 'v2', '--reason', 'x'], why: /not a version/ },
  ]) {
    it(`repair refuses ${c.what} with exit 2`, async () => {
      const r = await cli('repair', ...c.args);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(c.why);
    });
  }
});
