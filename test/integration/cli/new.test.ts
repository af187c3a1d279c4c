import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

describe('schema-operator new', () => {
  it('prints the path of the next file, and exits 2 on a bad name with nothing written', async () => {
    const dir = migrationDir({ '010_a.sql': 'CREATE TABLE a (id int);' });
    const ok = await runCli(['new', 'add_users', '--dir', dir]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.equal(`${join(dir, '011_add_users.sql')}\n`);
    const bad = await runCli(['new', 'add users', '--dir', dir]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^error: name "add users" cannot be part of a migration file name/);
  });

  for (const major of MAJORS.slice(-1)) {
    it(`makes files that lint and migrate refuse until written, then accept, on PostgreSQL ${major}`, async () => {
      const url = await freshDatabase(major);
      const dir = migrationDir({});
      const first = (await runCli(['new', 'create_t', '--dir', dir])).stdout.trim();
      const second = (await runCli(['new', 'add_index', '--dir', dir])).stdout.trim();
      // Nothing written yet: refused, naming the file, and nothing recorded.
      const early = await runCli(['migrate', '--database-url', url, '--dir', dir]);
      expect(early.code).to.equal(2);
      expect(early.stderr).to.contain(`${first}: has no SQL statements`);
      expect((await runCli(['lint', '--dir', dir])).code).to.equal(2);
      writeFileSync(first, `${readFileSync(first, 'utf8')}CREATE TABLE t (id int);\n`);
      // The author fills the second: a directive uncommented and a statement written.
      const text = readFileSync(second, 'utf8')
        .replace('-- -- schema-operator: no-transaction', '-- schema-operator: no-transaction')
        .concat('CREATE INDEX CONCURRENTLY t_id ON t (id);\n');
      writeFileSync(second, text);
      const lint = await runCli(['lint', '--dir', dir]);
      expect(lint.code, lint.stderr).to.equal(0);
      const run = await runCli(['migrate', '--database-url', url, '--dir', dir]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/applied 2 migration\(s\); database at version 002/);
      expect(first).to.match(/001_create_t\.sql$/);
      const idx = await query(url, `SELECT indexname FROM pg_indexes WHERE tablename = 't'`);
      expect(idx.map((r) => r.indexname)).to.deep.equal(['t_id']);
    });
  }
});
