import { expect } from 'chai';
import { migrate, readMigrationDir, type EngineError } from '../../../src/engine/index.js';
import { startLocalPostgres, type LocalPostgres } from '../../../src/devcluster/postgres.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, query } from '../../support/pg.js';

for (const major of MAJORS) {
  describe(`a server restart during a run on PostgreSQL ${major}`, function () {
    this.timeout(60_000);
    let server: LocalPostgres;
    before(async function () {
      if (process.env.TEST_DATABASE_URL) this.skip();
      server = await startLocalPostgres({ major });
    });
    after(async () => server?.stop());

    it('starts the run again from the top on a new connection and finishes it', async () => {
      const url = server.url();
      const migrations = await readMigrationDir(
        migrationDir({
          '001_a.sql': 'CREATE TABLE a (id int);',
          '002_slow.sql': 'SELECT pg_sleep(2);\nCREATE TABLE b (id int);',
          '003_c.sql': 'CREATE TABLE c (id int);',
        }),
      );
      const retries: string[] = [];
      const run = migrate(
        { url, migrations },
        { onRetry: (_m, e: EngineError) => retries.push(e.reason) },
      );
      await new Promise((r) => setTimeout(r, 700));
      await server.restart('fast');
      const result = await run;
      expect(retries[0]).to.equal('ConnectionError');
      expect(result.applied.map((a) => a.version)).to.include.members(['002', '003']);
      const rows = await query<{ version: string }>(
        url,
        'SELECT version FROM schema_operator_history ORDER BY 1',
      );
      expect(rows.map((r) => r.version)).to.deep.equal(['001', '002', '003']);
    });
  });
}
