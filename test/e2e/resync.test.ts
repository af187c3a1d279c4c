import { expect } from 'chai';
import pg from 'pg';
import { freshDatabase } from '../support/pg.js';
import { apply, hasCondition, useOperatorEnv, waitForSmig } from '../support/operator.js';
import { files, prepare, schemaMigration } from '../support/manifests.js';

const NS = 'resync';
const NAME = 'api';
const SQL = files(['CREATE TABLE items (id int PRIMARY KEY);']);
/** Long enough for several drift requeues (every second) to wake the Ready CR. */
const WATCH_MS = 5_000;

describe('resyncs of a Ready SchemaMigration (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  let url = '';

  before(async () => {
    url = await freshDatabase(18);
    await prepare(env, NS, NAME, url, SQL);
    // A requeue every second: each one a resync of a CR with nothing to do.
    await apply(env, schemaMigration(NS, NAME, { drift: '1s' }));
    await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'), 10_000);
  });

  it('opens no new connection and writes nothing while nothing changes', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // Let the run that made it Ready and the first resync settle.
      await new Promise((r) => setTimeout(r, 2_000));
      const sample = async () => {
        await c.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await c.query<{ sessions: string; writes: string }>(
          `SELECT d.sessions::text AS sessions,
                  (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del)::text FROM pg_stat_user_tables
                    WHERE relname LIKE 'schema_operator%') AS writes
             FROM pg_stat_database d WHERE d.datname = current_database()`,
        );
        return rows[0]!;
      };
      const before = await sample();
      await new Promise((r) => setTimeout(r, WATCH_MS));
      const after = await sample();
      // Sessions that ended within the window are counted by then; pooled ones never end.
      expect(Number(after.sessions) - Number(before.sessions)).to.equal(0);
      expect(after.writes).to.equal(before.writes);
      const pooled = await c.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'schema-operator resync/api'`,
      );
      expect(pooled.rows[0].n).to.be.within(1, 2);
    } finally {
      await c.end();
    }
  });
});
