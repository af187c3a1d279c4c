import { expect } from 'chai';
import pg from 'pg';
import {
  LockBusyError,
  migrate,
  readMigrationDir,
  DEFAULT_LEDGER,
} from '../../../src/engine/index.js';
import { LOCK_CLASS, lockKey } from '../../../src/engine/lock.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connected(url: string, applicationName: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: applicationName });
  await c.connect();
  return c;
}

for (const major of MAJORS) {
  describe(`locking on PostgreSQL ${major}`, () => {
    let url: string;
    beforeEach(async () => (url = await freshDatabase(major)));

    it('gives up on a busy migration lock after the bounded wait, naming the holder', async () => {
      const holder = await connected(url, 'other-deployer');
      try {
        await holder.query('SELECT pg_advisory_lock($1, $2)', [
          LOCK_CLASS,
          lockKey(DEFAULT_LEDGER),
        ]);
        const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
          .rows as [{ pid: number }];
        const migrations = await readMigrationDir(
          migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' }),
        );
        let busy: string | null = null;
        const started = Date.now();
        const error = await migrate(
          { url, migrations, lockWaitMs: 400 },
          { onLockBusy: (h) => (busy = h) },
        ).catch((e: unknown) => e);
        expect(Date.now() - started).to.be.within(350, 5000);
        expect(error).to.be.instanceOf(LockBusyError);
        expect((error as Error).message).to.match(new RegExp(`held by pid ${pid} other-deployer`));
        expect(busy).to.match(/other-deployer/);
        expect(await query(url, `SELECT to_regclass('a') AS r`)).to.deep.equal([{ r: null }]);
      } finally {
        await holder.end();
      }
    });

    it('gives up on a table lock after lock-timeout, retries, and succeeds once it is released, without blocking readers long', async function () {
      this.timeout(30_000);
      await query(url, 'CREATE TABLE hot (id int); INSERT INTO hot VALUES (1)');
      const migrations = await readMigrationDir(
        migrationDir({ '001_col.sql': 'ALTER TABLE hot ADD COLUMN IF NOT EXISTS note text;' }),
      );
      const blocker = await connected(url, 'long-reader');
      const reader = await connected(url, 'reader');
      try {
        await blocker.query('BEGIN; SELECT * FROM hot');
        let worst = 0;
        let reading = true;
        const readerLoop = (async () => {
          while (reading) {
            const t = performance.now();
            await reader.query('SELECT count(*) FROM hot');
            worst = Math.max(worst, performance.now() - t);
            await sleep(10);
          }
        })();
        const retries: string[] = [];
        const run = migrate(
          { url, migrations, lockTimeoutMs: 300, adoptExisting: true },
          { onRetry: (_m, e) => retries.push(e.reason) },
        );
        await sleep(2000);
        await blocker.query('COMMIT');
        const result = await run;
        reading = false;
        await readerLoop;
        expect(result.applied.map((a) => a.version)).to.deep.equal(['001']);
        expect(retries.length).to.be.greaterThan(0);
        expect(new Set(retries)).to.deep.equal(new Set(['LockTimeout']));
        // Readers queue behind the waiting ALTER for at most about lock-timeout, not the 2 s the blocker held.
        expect(worst).to.be.lessThan(1500);
        const attempts = await query(url, `SELECT DISTINCT sqlstate FROM schema_operator_attempts`);
        expect(attempts).to.deep.equal([{ sqlstate: '55P03' }]);
      } finally {
        await blocker.end();
        await reader.end();
      }
    });
  });
}
