import { expect } from 'chai';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';

describe('the lint command', () => {
  it('follows column types across files and prints each finding with its lock and rewrite', async () => {
    const dir = migrationDir({
      '001_a.sql': 'CREATE TABLE a (id int, name varchar(10));',
      '002_b.sql': 'ALTER TABLE a ALTER COLUMN name TYPE varchar(100);',
      '003_c.sql': 'ALTER TABLE a ALTER COLUMN id TYPE bigint;',
    });
    const r = await runCli(['lint', '--dir', dir, '--json']);
    expect(r.code, r.stderr).to.equal(1);
    const { findings } = JSON.parse(r.stdout) as { findings: Array<Record<string, unknown>> };
    expect(
      findings.map(({ file, rule, lock, rewrites, table }) => ({
        file: String(file).split('/').pop(),
        rule,
        lock,
        rewrites,
        table,
      })),
    ).to.deep.equal([
      {
        file: '003_c.sql',
        rule: 'alter-column-type',
        lock: 'ACCESS EXCLUSIVE',
        rewrites: true,
        table: 'a',
      },
    ]);
  });

  it('exits 0 when a type change keeps the table', async () => {
    const dir = migrationDir({
      '001_a.sql': 'CREATE TABLE a (id int, name varchar(10));',
      '002_b.sql': 'ALTER TABLE a ALTER COLUMN name TYPE text;',
    });
    const r = await runCli(['lint', '--dir', dir]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.include('lint: no findings');
  });
});
