import { expect } from 'chai';
import type pg from 'pg';
import {
  DEFAULTS,
  migrate,
  parseMigration,
  RunAbortedError,
  SessionPool,
  type ConnectionSource,
} from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';

const noSleep = async () => undefined;
const file = (name: string, content: string) => parseMigration({ name, content });
/** The start-up a run of `migrate` asks for, defaults filled in. */
const RUN = { applicationName: 'schema-operator', statementTimeoutMs: DEFAULTS.statementTimeoutMs };
const one = (c: pg.Client, sql: string) => c.query(sql).then((r) => r.rows[0]);

/** What a session carries over from an earlier user of it. */
async function leftovers(c: pg.Client) {
  return one(
    c,
    `SELECT current_user AS "user", session_user AS "session",
            current_setting('search_path') AS search_path,
            current_setting('statement_timeout') AS statement_timeout,
            current_setting('idle_in_transaction_session_timeout') AS idle_timeout,
            (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS advisory,
            to_regclass('pg_temp.scratch') IS NOT NULL AS temp_table,
            (SELECT count(*)::int FROM pg_prepared_statements) AS prepared,
            pg_backend_pid() AS pid`,
  );
}

describe('the session pool of migration runs (PostgreSQL 18)', () => {
  let url: string;
  let pool: SessionPool;
  beforeEach(async () => {
    url = await freshDatabase(18);
    pool = new SessionPool({ max: 1 });
  });
  afterEach(() => pool.end());

  it('gives the next run a session with nothing of a file that changed it', async () => {
    await query(url, 'DROP ROLE IF EXISTS pool_x; CREATE ROLE pool_x');
    await query(url, 'GRANT pool_x TO current_user');
    const fresh = await pool.acquire({ url, ...RUN });
    const before = await leftovers(fresh);
    await pool.release(fresh, { reusable: true });
    const dirty = file(
      '001_dirty.sql',
      `CREATE TABLE pids (pid int);
       INSERT INTO pids SELECT pg_backend_pid();
       SELECT pg_advisory_lock(4242);
       CREATE TEMP TABLE scratch (id int);
       PREPARE leftover AS SELECT 1;
       SET search_path = pg_catalog;
       SET statement_timeout = '1s';
       SET ROLE pool_x;`,
    );
    await migrate({ url, migrations: [dirty], sleep: noSleep, connection: pool });
    const c = await pool.acquire({ url, ...RUN });
    try {
      const after = await leftovers(c);
      const pid = (await query<{ pid: number }>(url, 'SELECT pid FROM pids'))[0]!.pid;
      expect(after.pid, 'the same backend was reused').to.equal(pid);
      expect(after).to.deep.equal({ ...before, pid });
      expect(after.advisory).to.equal(0);
      expect(after.temp_table).to.equal(false);
      expect(after.prepared).to.equal(0);
      expect(after.idle_timeout).to.equal('1min');
    } finally {
      await pool.release(c, { reusable: true });
    }
  });

  it('never lends one session to two runs at once', async () => {
    const two = new SessionPool({ max: 2 });
    try {
      const [a, b] = await Promise.all([two.acquire({ url }), two.acquire({ url })]);
      const pa = (await one(a, 'SELECT pg_backend_pid() AS p')).p;
      const pb = (await one(b, 'SELECT pg_backend_pid() AS p')).p;
      expect(pa).not.to.equal(pb);
      // Full: a third run waits until one comes back, and then gets that one.
      let third: pg.Client | undefined;
      const waiting = two.acquire({ url }).then((c) => (third = c));
      await new Promise((r) => setTimeout(r, 50));
      expect(third).to.equal(undefined);
      await two.release(a, { reusable: true });
      await waiting;
      expect((await one(third!, 'SELECT pg_backend_pid() AS p')).p).to.equal(pa);
      await two.release(b, { reusable: true });
      await two.release(third!, { reusable: true });
      expect(two.size).to.equal(2);
    } finally {
      await two.end();
    }
  });

  it('runs concurrent migrations on separate backends', async () => {
    const two = new SessionPool({ max: 2 });
    const recording = (t: string) => [
      file('001_pid.sql', `CREATE TABLE ${t} AS SELECT pg_backend_pid() AS pid FROM pg_sleep(0.2)`),
    ];
    try {
      await Promise.all(
        ['x', 'y'].map((t) =>
          migrate({
            url,
            migrations: recording(`pid_${t}`),
            ledger: { schema: t, name: 'schema_operator_history' },
            adoptExisting: true,
            sleep: noSleep,
            connection: two,
          }),
        ),
      );
      const rows = await query<{ pid: number }>(
        url,
        'SELECT pid FROM pid_x UNION ALL SELECT pid FROM pid_y',
      );
      expect(rows[0]!.pid).not.to.equal(rows[1]!.pid);
    } finally {
      await two.end();
    }
  });

  it('closes a session whose reset fails (lost) and opens a new one for the next run', async () => {
    const c = await pool.acquire({ url });
    const pid = (await one(c, 'SELECT pg_backend_pid() AS p')).p;
    await query(url, 'SELECT pg_terminate_backend($1)', [pid]);
    await pool.release(c, { reusable: true });
    expect(pool.size).to.equal(0);
    const next = await pool.acquire({ url });
    expect((await one(next, 'SELECT pg_backend_pid() AS p')).p).not.to.equal(pid);
    await pool.release(next, { reusable: true });
  });

  it('does not lend a session the server ended while it was idle', async () => {
    const c = await pool.acquire({ url });
    const pid = (await one(c, 'SELECT pg_backend_pid() AS p')).p;
    await pool.release(c, { reusable: true });
    await query(url, 'SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((r) => setTimeout(r, 100));
    const next = await pool.acquire({ url });
    expect((await one(next, 'SELECT pg_backend_pid() AS p')).p).not.to.equal(pid);
    await pool.release(next, { reusable: true });
  });

  it('closes a session given back as not reusable (an aborted run)', async () => {
    const c = await pool.acquire({ url });
    await pool.release(c, { reusable: false });
    expect(pool.size).to.equal(0);
  });

  it('rolls back a transaction left open before it discards the session', async () => {
    const c = await pool.acquire({ url });
    await c.query('BEGIN');
    await c.query('CREATE TABLE never (id int)');
    await pool.release(c, { reusable: true });
    expect(pool.size).to.equal(1);
    expect(await query(url, "SELECT to_regclass('never') AS r")).to.deep.equal([{ r: null }]);
  });

  it('closes idle sessions after the idle timeout', async () => {
    const quick = new SessionPool({ idleTimeoutMs: 30 });
    const c = await quick.acquire({ url });
    await quick.release(c, { reusable: true });
    expect(quick.size).to.equal(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(quick.size).to.equal(0);
  });

  it('refuses options with another start-up (a pool per credential and session)', async () => {
    const c = await pool.acquire({ url, statementTimeoutMs: 1000 }).catch((e: unknown) => e);
    // The pool was unused: the first acquire fixes its start-up.
    expect(c).not.to.be.instanceOf(Error);
    await pool.release(c as pg.Client, { reusable: true });
    const other = new URL(url);
    other.username = 'someone_else';
    const err = await pool.acquire({ url: other.toString() }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
  });

  it('closes the session of an aborted run instead of lending it again', async () => {
    const ac = new AbortController();
    const slow = file('001_slow.sql', 'SELECT pg_sleep(30);');
    const run = migrate({
      url,
      migrations: [slow],
      adoptExisting: true,
      sleep: noSleep,
      connection: pool,
      signal: ac.signal,
    }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 500));
    ac.abort();
    expect(await run).to.be.instanceOf(RunAbortedError);
    expect(pool.size).to.equal(0);
    const next = await pool.acquire({ url, ...RUN });
    expect((await one(next, 'SELECT 1 AS one')).one).to.equal(1);
    await pool.release(next, { reusable: true });
  });

  it('retries a run whose session was lost on a new session, closing the lost one', async () => {
    const opened: pg.Client[] = [];
    const counting: ConnectionSource = {
      acquire: async (o) => {
        const c = await pool.acquire(o);
        opened.push(c);
        return c;
      },
      release: (c, o) => pool.release(c, o),
    };
    await query(url, 'CREATE TABLE victims (pid int)');
    const kill = file(
      '001_kill.sql',
      `-- schema-operator: no-transaction
       INSERT INTO victims SELECT pg_backend_pid() WHERE NOT EXISTS (SELECT 1 FROM victims);
       SELECT pg_terminate_backend(pid) FROM victims WHERE pid = pg_backend_pid();`,
    );
    await migrate({
      url,
      migrations: [kill],
      adoptExisting: true,
      sleep: noSleep,
      connection: counting,
    });
    expect(opened.length).to.equal(2);
    expect(opened[0]).not.to.equal(opened[1]);
  });
});
