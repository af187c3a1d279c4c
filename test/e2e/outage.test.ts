import { expect } from 'chai';
import { startLocalPostgres, type LocalPostgres } from '../../src/devcluster/postgres.js';
import { ensureDatabase } from '../../src/engine/index.js';
import { query } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  sleep,
  useOperatorEnv,
  waitForSmig,
} from '../support/operator.js';
import { expectNoSecretAnywhere, files, prepare, schemaMigration } from './manifests.js';

const NS = 'outage';

describe('PostgreSQL stopped during a run (PostgreSQL 18, a server of its own)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  let pg: LocalPostgres;
  let url = '';

  before(async function () {
    this.timeout(60_000);
    pg = await startLocalPostgres({ major: 18 });
    url = await ensureDatabase(pg.url(), 'outage');
    await prepare(
      env,
      NS,
      'api',
      url,
      files([
        'CREATE TABLE first (id int);',
        'CREATE TABLE slow (id int);\nSELECT pg_sleep(2);',
        'CREATE TABLE last (id int);',
      ]),
    );
  });
  after(async () => {
    await pg?.stop();
  });

  it('reports ConnectionError while the server is down and finishes once it is back', async () => {
    await apply(env, schemaMigration(NS, 'api'));
    // Wait until 002 is sleeping, then stop the server under it (fast: sessions are ended).
    const deadline = Date.now() + 10_000;
    while ((await sleepers(pg)) === 0) {
      expect(Date.now()).to.be.below(deadline, 'pg_sleep never started');
      await sleep(20);
    }
    await pg.stopServer('fast');
    const o = await waitForSmig(env, NS, 'api', hasCondition('Failed', 'True', 'ConnectionError'));
    expect(condition(o, 'Ready')?.status).to.equal('False');
    expect(condition(o, 'Reconciling')?.status).to.equal('True');
    expect(condition(o, 'Stalled')?.status).to.equal('False');
    await sleep(2000);

    const t0 = performance.now();
    await pg.startServer();
    const done = await waitForSmig(env, NS, 'api', hasCondition('Ready', 'True'), 30_000);
    console.log(`      Ready ${Math.round(performance.now() - t0)} ms after PostgreSQL came back`);
    expect(done.status?.appliedVersion).to.equal('003');
    expect(done.status?.failure).to.equal(undefined);
    const ledger = await query<{ version: string }>(
      url,
      'SELECT version FROM schema_operator_history ORDER BY version',
    );
    expect(ledger.map((r) => r.version)).to.deep.equal(['001', '002', '003']);
    expect(env.operators[0]!.running).to.equal(true);
  });

  describe('after all of that', () => {
    it('never shows the database password in logs, Events or status', async () => {
      await expectNoSecretAnywhere(env, pg.password, [NS]);
    });
  });
});

/** Sessions of the server sitting in pg_sleep. */
async function sleepers(pg: LocalPostgres): Promise<number> {
  const rows = await query<{ n: number }>(
    pg.url(),
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()",
  );
  return rows[0]!.n;
}
