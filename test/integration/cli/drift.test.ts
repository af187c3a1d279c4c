import { expect } from 'chai';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import { freshDatabase, query } from '../../support/pg.js';

describe('the drift command (PostgreSQL 18)', () => {
  let url: string;
  let dir: string;
  beforeEach(async () => {
    url = await freshDatabase(18);
    dir = migrationDir({ '001_a.sql': 'CREATE TABLE sessions (org_id varchar(40));' });
    const r = await runCli(['migrate', '--database-url', url, '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
  });

  it('exits 0 when the schema matches what migrate recorded', async () => {
    const r = await runCli(['drift', '--database-url', url, '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/no drift/);
  });

  it('exits 1 and names the changed column when the schema was changed by hand', async () => {
    await query(url, 'ALTER TABLE sessions ALTER COLUMN org_id TYPE text');
    const r = await runCli(['drift', '--database-url', url, '--dir', dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(
      'column public.sessions.org_id: type character varying(40) -> text',
    );
    const j = await runCli(['drift', '--database-url', url, '--dir', dir, '--json']);
    expect(j.code).to.equal(1);
    const doc = JSON.parse(j.stdout) as { drift: { items: { kind: string }[] } };
    expect(doc.drift.items.map((i) => i.kind)).to.deep.equal(['changed']);
  });

  it('exits 2 on a usage error', async () => {
    const r = await runCli(['drift', '--database-url', url]);
    expect(r.code).to.equal(2);
  });
});
