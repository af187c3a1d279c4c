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
    uid: `uid-${id}`,
    adoptUnrecorded: false,
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

  it('keeps upserting on the same connection after a migration alters the table under the prepared statement', async () => {
    await db.upsert(row('prep-1'));
    // A later migration changes the table under the prepared statement: the server plans it again.
    await query(url, 'ALTER TABLE organizations ADD COLUMN IF NOT EXISTS region text');
    expect(await db.upsert(row('prep-2'))).to.deep.equal({ outcome: 'written' });
    expect(await db.upsert(row('prep-1', { displayName: 'again' }))).to.deep.equal({
      outcome: 'written',
    });
    await query(url, 'ALTER TABLE organizations DROP COLUMN region');
    expect(await db.upsert(row('prep-3'))).to.deep.equal({ outcome: 'written' });
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

  it('never writes default-org', async () => {
    const before = await query(url, `SELECT * FROM organizations WHERE id = 'default-org'`);
    expect(await db.upsert(row('default-org', { displayName: 'Hijacked' }))).to.deep.equal({
      outcome: 'row-conflict',
    });
    expect(await query(url, `SELECT * FROM organizations WHERE id = 'default-org'`)).to.deep.equal(
      before,
    );
    expect(await db.deleteRow('default-org', 'uid-default-org')).to.deep.equal({
      outcome: 'not-created',
    });
  });

  it('never writes a row it did not create, nor one created for another UID still in use', async () => {
    await query(
      url,
      `INSERT INTO organizations (id, name, display_name) VALUES ('api-made', 'api-made', 'By the API')`,
    );
    expect(await db.upsert(row('api-made'))).to.deep.equal({ outcome: 'row-conflict' });
    await db.upsert(row('team', { uid: 'first' }));
    expect(await db.upsert(row('team', { uid: 'second', displayName: 'X' }))).to.deep.equal({
      outcome: 'row-conflict',
    });
    const rows = await query(
      url,
      `SELECT id, display_name FROM organizations WHERE id IN ('api-made', 'team') ORDER BY id`,
    );
    expect(rows).to.deep.equal([
      { id: 'api-made', display_name: 'By the API' },
      { id: 'team', display_name: 'Org team' },
    ]);
    expect(await db.markDeleted('api-made', 'uid-api-made')).to.equal(false);
    expect(await db.deleteRow('api-made', 'uid-api-made')).to.deep.equal({
      outcome: 'not-created',
    });
    expect(
      await query(url, `SELECT status FROM organizations WHERE id = 'api-made'`),
    ).to.deep.equal([{ status: 'active' }]);
  });

  it('adopts an unrecorded row only when asked (a row it wrote before rows were recorded), never to delete it', async () => {
    await query(
      url,
      `INSERT INTO organizations (id, name, display_name) VALUES ('older', 'older', 'Old')`,
    );
    expect(await db.upsert(row('older', { adoptUnrecorded: true }))).to.deep.equal({
      outcome: 'written',
    });
    expect(await db.deleteRow('older', 'uid-older')).to.deep.equal({ outcome: 'not-created' });
    expect(await db.markDeleted('older', 'uid-older')).to.equal(true);
  });

  it('takes back, for a new UID, a row it marked deleted, but never deletes it', async () => {
    await db.upsert(row('again', { uid: 'old' }));
    expect(await db.markDeleted('again', 'old')).to.equal(true);
    expect(await db.upsert(row('again', { uid: 'new' }))).to.deep.equal({ outcome: 'written' });
    expect(await db.markDeleted('again', 'old')).to.equal(false);
    expect(await db.deleteRow('again', 'new')).to.deep.equal({ outcome: 'not-created' });
    expect(await query(url, `SELECT status FROM organizations WHERE id = 'again'`)).to.deep.equal([
      { status: 'active' },
    ]);
  });

  it('marks a row deleted, keeping it', async () => {
    await db.upsert(row('retained'));
    expect(await db.markDeleted('retained', 'uid-retained')).to.equal(true);
    expect(await db.markDeleted('nobody', 'uid-nobody')).to.equal(false);
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
    expect(await db.deleteRow('busy', 'uid-busy')).to.deep.equal({
      outcome: 'blocked',
      references: [{ table: 'users', rows: 1 }],
    });
    expect(await query(url, `SELECT 1 FROM organizations WHERE id = 'busy'`)).to.have.length(1);
    await query(url, `DELETE FROM users WHERE id = 'u1'`);
    expect(await db.deleteRow('busy', 'uid-busy')).to.deep.equal({ outcome: 'deleted' });
    expect(await query(url, `SELECT 1 FROM organizations WHERE id = 'busy'`)).to.have.length(0);
  });
});
