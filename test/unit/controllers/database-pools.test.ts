import { expect } from 'chai';
import { databasePools, holderKey } from '../../../src/controllers/database-pools.js';

const alice = { url: 'postgres://alice:pw@db:5432/app' };
const bob = { url: 'postgres://bob:pw@db:5432/app' };

/** A part that says when it was closed. */
function part() {
  const p = { closed: false, end: async () => void (p.closed = true) };
  return p;
}

describe('the database pools shared by SchemaMigrations and Organizations', () => {
  it('shares one database between a SchemaMigration and the Organizations that name it', () => {
    const pools = databasePools();
    const smig = pools.acquire(holderKey('SchemaMigration', 'ns/api'), alice);
    const org = pools.acquire(holderKey('Organization', 'acme'), alice);
    expect(org).to.equal(smig);
    expect(org.sessions).to.equal(smig.sessions);
    expect(pools.size).to.equal(1);
  });

  it('never shares across credentials or TLS material: two users, two pools', () => {
    const pools = databasePools();
    const a = pools.acquire('SchemaMigration:ns/a', alice);
    const b = pools.acquire('SchemaMigration:ns/b', bob);
    const c = pools.acquire('SchemaMigration:ns/c', { ...alice, tls: { ca: 'other CA' } });
    expect(new Set([a, b, c]).size).to.equal(3);
    expect(new Set([a.sessions, b.sessions, c.sessions]).size).to.equal(3);
  });

  it('closes every pool of a database when the last CR of either kind lets it go', async () => {
    const pools = databasePools();
    const db = pools.acquire(holderKey('SchemaMigration', 'ns/api'), alice);
    pools.acquire(holderKey('Organization', 'acme'), alice);
    const orgs = db.part('organizations', part);
    await pools.release(holderKey('SchemaMigration', 'ns/api'));
    expect(orgs.closed).to.equal(false);
    await pools.release(holderKey('Organization', 'acme'));
    expect(orgs.closed).to.equal(true);
    expect(pools.size).to.equal(0);
  });

  it('keys holders by kind, so an Organization and a SchemaMigration of one name never collide', () => {
    expect(holderKey('Organization', 'api')).not.to.equal(holderKey('SchemaMigration', 'api'));
  });
});
