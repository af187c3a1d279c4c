import { expect } from 'chai';
import { migrate, readMigrationDir, waitForVersion } from '../../../src/engine/index.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase } from '../../support/pg.js';

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
