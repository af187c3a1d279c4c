import { expect } from 'chai';
import {
  openOrgDatabase,
  type OrgDatabase,
  type OrgRow,
} from '../../../src/controllers/organization/sql.js';
import { bundledDir, migrate, readMigrationDir } from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';

function row(id: string, over: Partial<OrgRow> = {}): OrgRow {
  return {
    id,
    name: id,
    displayName: `Org ${id}`,
    description: null,
    namespace: 'streamspace',
    status: 'active',
    ...over,
  };
}

describe('the organizations SQL on PostgreSQL 18', function () {
  this.timeout(120_000);
  let url: string;
  let db: OrgDatabase;

  before(async () => {
    url = await freshDatabase(18);
    await migrate({ url, migrations: await readMigrationDir(bundledDir('streamspace')) });
    db = openOrgDatabase({ url }, { windowMs: 20 });
  });
  after(() => db?.end());

  it('stores SQL metacharacters and unicode verbatim, through bound parameters', async () => {
    const displayName = `Robert'); DROP TABLE organizations;-- "Ünïcødé" 🚀 $1 \\ %`;
    const description = `$$ ' " ; \n\t 日本語`;
    expect(await db.upsert(row('meta', { displayName, description }))).to.deep.equal({
      outcome: 'written',
    });
    const [r] = await query(
      url,
      'SELECT display_name, description FROM organizations WHERE id = $1',
      ['meta'],
    );
    expect(r).to.deep.equal({ display_name: displayName, description });
  });

  it('writes many concurrent upserts in one batch, each caller getting its own outcome', async () => {
    await query(
      url,
      `INSERT INTO organizations (id, name, display_name) VALUES ('uuid-7', 'taken', 'x')`,
    );
    const ids = Array.from({ length: 50 }, (_, i) => `batch-${i}`);
    const results = await Promise.all([
      ...ids.map((id) => db.upsert(row(id))),
      db.upsert(row('taken')),
    ]);
    expect(results.slice(0, 50).every((r) => r.outcome === 'written')).to.equal(true);
    expect(results[50]).to.deep.equal({ outcome: 'name-conflict', ownerId: 'uuid-7' });
    const [count] = await query<{ n: string }>(
      url,
      `SELECT count(*)::text AS n FROM organizations WHERE id LIKE 'batch-%'`,
    );
    expect(count!.n).to.equal('50');
    expect(await query(url, `SELECT 1 FROM organizations WHERE id = 'taken'`)).to.have.length(0);
    // One transaction wrote them all: the rows share their xmin (the statistics
    // views lag too much to count commits reliably).
    const [writers] = await query<{ n: number }>(
      url,
      `SELECT count(DISTINCT xmin::text)::int AS n FROM organizations WHERE id LIKE 'batch-%'`,
    );
    expect(writers!.n).to.be.at.most(2);
  });

  it('keeps created_at and name, and writes nothing when nothing changed', async () => {
    await db.upsert(row('keep'));
    const [first] = await query(
      url,
      `SELECT created_at, updated_at, xmin::text FROM organizations WHERE id = 'keep'`,
    );
    expect(await db.upsert(row('keep'))).to.deep.equal({ outcome: 'unchanged' });
    const [same] = await query(
      url,
      `SELECT created_at, updated_at, xmin::text FROM organizations WHERE id = 'keep'`,
    );
    expect(same).to.deep.equal(first);
    expect(await db.upsert(row('keep', { status: 'suspended' }))).to.deep.equal({
      outcome: 'written',
    });
    const [changed] = await query(
      url,
      `SELECT created_at, status FROM organizations WHERE id = 'keep'`,
    );
    expect(changed).to.deep.equal({ created_at: first!.created_at, status: 'suspended' });
  });

  it("updates default-org's own columns but keeps its name", async () => {
    await db.upsert(row('default-org', { displayName: 'Default Organization' }));
    const [r] = await query(url, `SELECT name FROM organizations WHERE id = 'default-org'`);
    expect(r).to.deep.equal({ name: 'default' });
  });

  it('marks a row deleted, keeping it', async () => {
    await db.upsert(row('retained'));
    expect(await db.markDeleted('retained')).to.equal(true);
    expect(await db.markDeleted('nobody')).to.equal(false);
    const [r] = await query(url, `SELECT status FROM organizations WHERE id = 'retained'`);
    expect(r).to.deep.equal({ status: 'deleted' });
  });

  it('refuses to delete a row that other rows reference, naming them, and deletes it once none do', async () => {
    await db.upsert(row('busy'));
    await query(
      url,
      `INSERT INTO users (id, username, email, org_id) VALUES ('u1', 'u1', 'u1@x', 'busy')`,
    );
    expect(await db.references('busy')).to.deep.equal([{ table: 'users', rows: 1 }]);
    expect(await db.deleteRow('busy')).to.deep.equal([{ table: 'users', rows: 1 }]);
    expect(await query(url, `SELECT 1 FROM organizations WHERE id = 'busy'`)).to.have.length(1);
    await query(url, `DELETE FROM users WHERE id = 'u1'`);
    expect(await db.deleteRow('busy')).to.deep.equal([]);
    expect(await query(url, `SELECT 1 FROM organizations WHERE id = 'busy'`)).to.have.length(0);
  });
});
