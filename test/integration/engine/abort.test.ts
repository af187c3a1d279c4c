import { expect } from 'chai';
import {
  ConnectionError,
  RunAbortedError,
  migrate,
  readMigrationDir,
  waitForVersion,
} from '../../../src/engine/index.js';
import { connect } from '../../../src/engine/connection.js';
import { LOCK_CLASS, lockKey } from '../../../src/engine/lock.js';
import { DEFAULT_LEDGER } from '../../../src/engine/index.js';
import { migrationDir } from '../../support/files.js';
import { freshDatabase, query, withClient } from '../../support/pg.js';
import { silentPostgres, type SilentPostgres } from '../../support/silent-postgres.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sessions of `app` still running a statement that mentions pg_sleep. */
async function sleepers(url: string, app: string): Promise<number> {
  const rows = await query<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = $1 AND state = 'active' AND query ILIKE '%pg_sleep%'`,
    [app],
  );
  return rows[0]!.n;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

describe('stopping a run with an AbortSignal (PostgreSQL 18)', function () {
  this.timeout(30_000);
  let url: string;
  beforeEach(async () => (url = await freshDatabase(18)));

  it('leaves no session behind when a wait times out at any moment of a connection start', async () => {
    // Timeouts spread over the whole start-up: before it, during the handshake, after it.
    for (const timeoutMs of [1, 2, 5, 10, 20, 30, 40, 60, 80, 120]) {
      const done = await waitForVersion({ url, version: '001', timeoutMs });
      expect(done).to.equal(false);
    }
    const left = async () =>
      (
        await query<{ n: number }>(
          url,
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'schema-operator wait'",
        )
      )[0]!.n;
    expect(await until(async () => (await left()) === 0, 3_000), 'sessions left open').to.equal(
      true,
    );
  });

  for (const transactional of [true, false]) {
    it(`cancels a ${transactional ? 'transactional' : 'no-transaction'} file's statement on the server and throws Cancelled at once`, async () => {
      const header = transactional ? '' : '-- schema-operator: no-transaction\n';
      const migrations = await readMigrationDir(
        migrationDir({ '001_sleep.sql': `${header}SELECT pg_sleep(100000);` }),
      );
      const app = `abort-test-${transactional}`;
      const abort = new AbortController();
      const run = migrate({ url, migrations, applicationName: app, signal: abort.signal });
      expect(await until(async () => (await sleepers(url, app)) === 1, 5_000)).to.equal(true);
      const started = Date.now();
      abort.abort(new DOMException('the SchemaMigration was deleted', 'AbortError'));
      const error = await run.catch((e: unknown) => e);
      expect(Date.now() - started, 'time to return after the abort').to.be.below(500);
      expect(error).to.be.instanceOf(RunAbortedError);
      expect((error as RunAbortedError).reason).to.equal('Cancelled');
      expect((error as Error).message).to.match(/the SchemaMigration was deleted/);
      // The server stops the statement too: it does not sleep on for nobody.
      expect(await until(async () => (await sleepers(url, app)) === 0, 2_000)).to.equal(true);
      const rows = await query(url, 'SELECT version FROM schema_operator_history');
      expect(rows).to.deep.equal([]);
    });
  }

  it('says DeadlineExceeded when the signal is a timeout', async () => {
    const migrations = await readMigrationDir(
      migrationDir({ '001_sleep.sql': 'SELECT pg_sleep(100000);' }),
    );
    const error = await migrate({ url, migrations, signal: AbortSignal.timeout(700) }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(RunAbortedError);
    expect((error as RunAbortedError).reason).to.equal('DeadlineExceeded');
  });

  it('stops waiting for a busy migration lock', async () => {
    await withClient(url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, lockKey(DEFAULT_LEDGER)]);
      const migrations = await readMigrationDir(migrationDir({ '001_a.sql': 'SELECT 1;' }));
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const started = Date.now();
      const error = await migrate({
        url,
        migrations,
        lockWaitMs: 60_000,
        signal: abort.signal,
      }).catch((e: unknown) => e);
      expect(Date.now() - started).to.be.below(1_500);
      expect(error).to.be.instanceOf(RunAbortedError);
    });
  });

  it('never reconnects to run a migration again once aborted, even when the connection was lost', async () => {
    const migrations = await readMigrationDir(
      migrationDir({ '001_sleep.sql': 'SELECT pg_sleep(100000);' }),
    );
    const app = 'abort-no-reconnect';
    const abort = new AbortController();
    let retries = 0;
    const outcome = migrate(
      { url, migrations, applicationName: app, signal: abort.signal, sleep: () => sleep(200) },
      {
        onRetry: () => {
          retries++;
          abort.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(await until(async () => (await sleepers(url, app)) === 1, 5_000)).to.equal(true);
    await query(
      url,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    const error = await outcome;
    expect(error).to.be.instanceOf(RunAbortedError);
    expect(retries).to.equal(1);
    await sleep(500);
    const sessions = await query<{ n: number }>(
      url,
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    expect(sessions[0]!.n, 'sessions of the aborted run').to.equal(0);
  });

  describe('against a server that completes the handshake and then never answers', () => {
    let silent: SilentPostgres;
    beforeEach(async () => (silent = await silentPostgres()));
    afterEach(() => silent.close());

    it('gives up with a ConnectionError after the connect timeout, not never', async () => {
      const started = Date.now();
      const error = await connect({ url: silent.url, connectTimeoutMs: 600 }).catch(
        (e: unknown) => e,
      );
      expect(silent.handshakes()).to.equal(1);
      expect(Date.now() - started).to.be.within(500, 3_000);
      expect(error).to.be.instanceOf(ConnectionError);
      expect((error as Error).message).to.match(/completed the handshake but did not answer/);
      expect((error as Error).message).not.to.match(/:p@/);
    });

    it('returns at once when aborted while the server is silent', async () => {
      const migrations = await readMigrationDir(migrationDir({ '001_a.sql': 'SELECT 1;' }));
      const abort = new AbortController();
      const run = migrate({ url: silent.url, migrations, signal: abort.signal });
      await until(async () => silent.handshakes() > 0, 3_000);
      const started = Date.now();
      abort.abort();
      const error = await run.catch((e: unknown) => e);
      expect(Date.now() - started).to.be.below(500);
      expect(error).to.be.instanceOf(RunAbortedError);
    });

    it('ends a wait for a version at its timeout, even while a look hangs', async () => {
      const started = Date.now();
      const ok = await waitForVersion({ url: silent.url, version: '1', timeoutMs: 800 });
      expect(ok).to.equal(false);
      expect(Date.now() - started).to.be.below(2_000);
    });

    it('stops a wait for a version when aborted', async () => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 300);
      const started = Date.now();
      const error = await waitForVersion({
        url: silent.url,
        version: '1',
        timeoutMs: 60_000,
        signal: abort.signal,
      }).catch((e: unknown) => e);
      expect(Date.now() - started).to.be.below(1_500);
      expect(error).to.be.instanceOf(RunAbortedError);
    });
  });
});
