import { expect } from 'chai';
import { migrate, readMigrationDir, waitForVersion } from '../../../src/engine/index.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

for (const major of MAJORS) {
  describe(`waiting for a version on PostgreSQL ${major}`, () => {
    it('returns once another run has applied the version', async () => {
      const url = await freshDatabase(major);
      const migrations = await readMigrationDir(
        migrationDir({
          '001_a.sql': 'CREATE TABLE a (id int);',
          '002_b.sql': 'CREATE TABLE b (id int);',
        }),
      );
      const seen: Array<string | null> = [];
      const waiting = waitForVersion({
        url,
        version: '002',
        timeoutMs: 10_000,
        migrations,
        onPoll: (s) => seen.push(s.highestApplied),
      });
      await new Promise((r) => setTimeout(r, 300));
      await migrate({ url, migrations });
      expect(await waiting).to.equal(true);
      expect(seen[0]).to.equal(null);
    });

    it('times out when the version never comes', async () => {
      const url = await freshDatabase(major);
      expect(await waitForVersion({ url, version: '1', timeoutMs: 300 })).to.equal(false);
    });

    it('waits for a ledger whose schema does not exist yet, and sees it once created', async () => {
      const url = await freshDatabase(major);
      const ledger = { schema: 'later', name: 'history' };
      const states: Array<string | null> = [];
      expect(
        await waitForVersion({
          url,
          version: '001',
          timeoutMs: 300,
          ledger,
          onPoll: (s) => states.push(s.error),
        }),
      ).to.equal(false);
      // A look the deadline cuts short reports that; none reports the missing schema as an error.
      expect(states).to.include(null);
      expect(states.filter((e) => e !== null && /later|does not exist/.test(e))).to.deep.equal([]);
      await query(url, 'CREATE SCHEMA later');
      const migrations = await readMigrationDir(migrationDir({ '001_a.sql': 'SELECT 1;' }));
      await migrate({ url, migrations, ledger });
      expect(await waitForVersion({ url, version: '001', timeoutMs: 5_000, ledger })).to.equal(
        true,
      );
    });

    it('counts a baseline as every version up to it', async () => {
      const url = await freshDatabase(major);
      await query(url, 'CREATE TABLE existing (id int)');
      const migrations = await readMigrationDir(
        migrationDir({
          '001_a.sql': 'SELECT 1;',
          '002_b.sql': 'SELECT 2;',
          '003_c.sql': 'SELECT 3;',
        }),
      );
      await migrate({ url, migrations, baseline: '002', target: '002' });
      const ok = await waitForVersion({ url, version: '002', timeoutMs: 2_000, migrations });
      expect(ok).to.equal(true);
    });

    it('fails at once when the ledger cannot be read for lack of privilege', async () => {
      const url = await freshDatabase(major);
      const migrations = await readMigrationDir(migrationDir({ '001_a.sql': 'SELECT 1;' }));
      await migrate({ url, migrations });
      await query(url, 'CREATE ROLE wait_reader LOGIN PASSWORD $$pw$$');
      const u = new URL(url);
      u.username = 'wait_reader';
      u.password = 'pw';
      const started = Date.now();
      let error: unknown;
      await waitForVersion({ url: u.toString(), version: '001', timeoutMs: 5_000 }).catch(
        (err: unknown) => (error = err),
      );
      expect(String(error)).to.match(/permission denied/);
      expect(Date.now() - started).to.be.below(4_000);
    });

    it('keeps waiting while the database cannot be reached', async () => {
      const states: Array<string | null> = [];
      const ok = await waitForVersion({
        url: 'postgres://nobody@127.0.0.1:1/none',
        version: '1',
        timeoutMs: 300,
        onPoll: (s) => states.push(s.error),
      });
      expect(ok).to.equal(false);
      expect(states[0]).to.match(/connection refused/);
    });
  });
}
