/**
 * The Organization writer's sessions, as the operator wires them: known to
 * the process's one limit on idle sessions (idle-budget.ts). Each writer
 * used to keep a `pg.Pool` of its own, unknown to it: two hundred databases
 * on one server kept two hundred idle backends, past PostgreSQL's default
 * `max_connections`, and every run and row write after that was refused
 * with "too many clients already" (the fleet benchmark at 100 slots took
 * 199 s instead of 64). Their sessions are still not limited (each closes
 * after 30 s idle), but a server out of slots now gets them back with
 * every other idle session, and the refused connection is tried again.
 */
import { expect } from 'chai';
import pg from 'pg';
import { databasePools, holderKey } from '../../../src/controllers/database-pools.js';
import { openOrgDatabase, type OrgRow } from '../../../src/controllers/organization/sql.js';
import { startLocalPostgres, type LocalPostgres } from '../../../src/devcluster/postgres.js';
import { migrate, parseMigrations } from '../../../src/engine/index.js';
import { FLEET_MIGRATIONS } from '../../support/fleet-objects.js';

const migrations = parseMigrations(
  FLEET_MIGRATIONS.map((m) => ({ name: `${m.version}_${m.name}.sql`, content: m.sql })),
);

function row(id: string): OrgRow {
  return {
    id,
    name: id,
    displayName: `Org ${id}`,
    description: null,
    namespace: id,
    status: 'active',
    uid: `uid-${id}`,
    adoptUnrecorded: false,
  };
}

/** Client connections this server allows (the superuser may use every one). */
const SLOTS = 6;

describe('the Organization writers of many databases on a server with few slots (PostgreSQL 18)', function () {
  this.timeout(120_000);
  let server: LocalPostgres;
  const urls: string[] = [];

  before(async () => {
    server = await startLocalPostgres({ major: 18, settings: { max_connections: String(SLOTS) } });
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    try {
      for (let i = 0; i < 2 * SLOTS; i++) {
        await admin.query(`CREATE DATABASE fleet_${i}`);
        urls.push(server.url(`fleet_${i}`));
      }
    } finally {
      await admin.end();
    }
    for (const url of urls) await migrate({ url, migrations });
  });
  after(() => server?.stop());

  it('gives their idle sessions back when the server is out of slots, and every row and run goes through', async () => {
    const pools = databasePools();
    try {
      const [last, ...rest] = [...urls].reverse();
      for (const [i, url] of rest.entries()) {
        const shared = pools.acquire(holderKey('Organization', `org-${i}`), { url });
        const db = shared.part('organizations', () =>
          openOrgDatabase({ url }, { budget: shared.budget, windowMs: 1 }),
        );
        expect(await db.upsert(row(`org-${i}`)), `database ${i}`).to.deep.equal({
          outcome: 'written',
        });
      }
      // A run after them all finds the slots taken by idle writers, and gets one back.
      const shared = pools.acquire(holderKey('SchemaMigration', 'x/y'), { url: last! });
      const r = await migrate({ url: last!, migrations, connection: shared.sessions });
      expect(r.applied).to.deep.equal([]);
    } finally {
      await pools.closeAll();
    }
  });
});
