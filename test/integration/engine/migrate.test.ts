import { expect } from 'chai';
import {
  ChecksumMismatchError,
  ExistingSchemaError,
  MigrationFailedError,
  OutOfOrderError,
  migrate,
  readMigrationDir,
  type RunOptions,
} from '../../../src/engine/index.js';
import { migrationDir, writeFiles } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

const noSleep = async () => undefined;

for (const major of MAJORS) {
  describe(`migrate on PostgreSQL ${major}`, () => {
    let url: string;
    beforeEach(async () => (url = await freshDatabase(major)));
    const run = async (dir: string, o: Partial<RunOptions> = {}) =>
      migrate({ url, migrations: await readMigrationDir(dir), sleep: noSleep, ...o });
    const ledger = () =>
      query<{ version: string; out_of_order: boolean; kind: string }>(
        url,
        'SELECT version, out_of_order, kind FROM schema_operator_history ORDER BY installed_rank',
      );
    const tables = async () =>
      (
        await query<{ t: string }>(
          url,
          `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
        )
      )
        .map((r) => r.t)
        .filter((t) => !t.startsWith('schema_operator_'));

    it('applies every file in version order and records each with its checksum', async () => {
      const dir = migrationDir({
        '1.10_c.sql': 'CREATE TABLE c (id int REFERENCES b);',
        '1.9_b.sql': 'CREATE TABLE b (id int PRIMARY KEY REFERENCES a);',
        '1_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);',
      });
      const result = await run(dir);
      expect(result.applied.map((a) => a.version)).to.deep.equal(['1', '1.9', '1.10']);
      const rows = await query<{
        version: string;
        checksum: string;
        execution_ms: number;
        transactional: boolean;
      }>(
        url,
        'SELECT version, checksum, execution_ms, transactional FROM schema_operator_history ORDER BY installed_rank',
      );
      expect(rows.map((r) => r.version)).to.deep.equal(['1', '1.9', '1.10']);
      expect(
        rows.every(
          (r) => /^sha256:[0-9a-f]{64}$/.test(r.checksum) && r.execution_ms >= 0 && r.transactional,
        ),
      ).to.equal(true);
      expect((await run(dir)).applied).to.deep.equal([]);
    });

    it('commits migrations 1-2, rolls back all of 3 and runs none of 4-5 when 3 fails, then completes once fixed', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_b.sql': 'CREATE TABLE b (id int);',
        '003_c.sql':
          'CREATE TABLE c (id int);\nINSERT INTO a VALUES (1);\n\nINSERT INTO nowhere\n  VALUES (1);\nCREATE TABLE c2 (id int);',
        '004_d.sql': 'CREATE TABLE d (id int);',
        '005_e.sql': 'CREATE TABLE e (id int);',
      });
      const error = await run(dir).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MigrationFailedError);
      const failure = (error as MigrationFailedError).failure;
      expect(failure).to.include({ version: '003', sqlState: '42P01', line: 4 });
      expect((error as Error).message).to.match(
        /003_c\.sql:4: relation "nowhere" does not exist \(SQLSTATE 42P01\)/,
      );
      expect(await tables()).to.deep.equal(['a', 'b']);
      expect(await query(url, 'SELECT * FROM a')).to.deep.equal([]);
      expect((await ledger()).map((r) => r.version)).to.deep.equal(['001', '002']);
      const attempts = await query(
        url,
        'SELECT version, status, sqlstate, line FROM schema_operator_attempts',
      );
      expect(attempts).to.deep.equal([
        { version: '003', status: 'failed', sqlstate: '42P01', line: 4 },
      ]);

      writeFiles(dir, {
        '003_c.sql':
          'CREATE TABLE c (id int);\nINSERT INTO a VALUES (1);\nCREATE TABLE c2 (id int);',
      });
      expect((await run(dir)).applied.map((a) => a.version)).to.deep.equal(['003', '004', '005']);
      expect(await tables()).to.deep.equal(['a', 'b', 'c', 'c2', 'd', 'e']);
    });

    it('refuses to run anything when an applied file was edited, showing both checksums', async () => {
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      await run(dir);
      writeFiles(dir, {
        '001_a.sql': 'CREATE TABLE a (id bigint);',
        '002_b.sql': 'CREATE TABLE b (id int);',
      });
      const error = await run(dir).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ChecksumMismatchError);
      expect((error as Error).message).to.match(
        /001_a was changed: the database recorded sha256:\w{64}, the file now has sha256:\w{64}/,
      );
      expect(await tables()).to.deep.equal(['a']);
    });

    it('keeps the checksum when only line endings and trailing blanks change', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n',
      });
      await run(dir);
      writeFiles(dir, {
        '001_a.sql': 'CREATE TABLE a (id int);  \r\nCREATE TABLE b (id int);\r\n\r\n',
      });
      expect((await run(dir)).applied).to.deep.equal([]);
    });

    it('refuses a pending file older than the newest applied unless out of order is allowed, then records it so', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '003_c.sql': 'CREATE TABLE c (id int);',
      });
      await run(dir);
      writeFiles(dir, { '002_b.sql': 'CREATE TABLE b (id int);' });
      expect(await run(dir).catch((e: unknown) => e)).to.be.instanceOf(OutOfOrderError);
      expect(await tables()).to.deep.equal(['a', 'c']);
      await run(dir, { outOfOrder: true });
      expect(await ledger()).to.deep.equal([
        { version: '001', out_of_order: false, kind: 'migration' },
        { version: '003', out_of_order: false, kind: 'migration' },
        { version: '002', out_of_order: true, kind: 'migration' },
      ]);
    });

    it('builds an index concurrently in a no-transaction file', async () => {
      const dir = migrationDir({
        '001_t.sql': 'CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 1000);',
        '002_idx.sql':
          '-- schema-operator: no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nANALYZE t;',
      });
      await run(dir);
      const [idx] = await query(
        url,
        `SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id'::regclass`,
      );
      expect(idx).to.deep.equal({ indisvalid: true });
      const [row] = await query(
        url,
        `SELECT transactional FROM schema_operator_history WHERE version = '002'`,
      );
      expect(row).to.deep.equal({ transactional: false });
    });

    it('resumes a no-transaction file after the last statement that finished', async () => {
      const dir = migrationDir({
        '001_log.sql': 'CREATE TABLE log (n int);',
        '002_steps.sql':
          '-- schema-operator: no-transaction\nINSERT INTO log VALUES (1);\nINSERT INTO later VALUES (2);\nINSERT INTO log VALUES (3);',
      });
      const error = await run(dir).catch((e: unknown) => e);
      expect((error as MigrationFailedError).failure).to.include({
        version: '002',
        line: 3,
        sqlState: '42P01',
      });
      await query(url, 'CREATE TABLE later (n int)');
      await run(dir);
      expect(await query(url, 'SELECT n FROM log ORDER BY n')).to.deep.equal([{ n: 1 }, { n: 3 }]);
      expect(await query(url, 'SELECT n FROM later')).to.deep.equal([{ n: 2 }]);
    });

    it('replaces an invalid index left by a failed concurrent build instead of keeping it', async () => {
      await query(
        url,
        `CREATE TABLE u (email text); INSERT INTO u VALUES ('x@example.com'), ('x@example.com')`,
      );
      await query(url, 'CREATE UNIQUE INDEX CONCURRENTLY u_email ON u (email)').catch(
        () => undefined,
      );
      const [before] = await query(
        url,
        `SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_email'::regclass`,
      );
      expect(before).to.deep.equal({ indisvalid: false });
      await query(url, `DELETE FROM u WHERE ctid = (SELECT max(ctid) FROM u)`);
      const dir = migrationDir({
        '001_idx.sql':
          '-- schema-operator: no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u_email ON u (email);',
      });
      await run(dir, { adoptExisting: true });
      const [after] = await query(
        url,
        `SELECT indisvalid FROM pg_index WHERE indexrelid = 'u_email'::regclass`,
      );
      expect(after).to.deep.equal({ indisvalid: true });
    });

    it('refuses a database with tables but no ledger, and writes nothing', async () => {
      await query(url, 'CREATE TABLE legacy (id int)');
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const error = await run(dir).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ExistingSchemaError);
      expect((error as Error).message).to.match(/public\.legacy.*--baseline.*--adopt-existing/);
      expect(await tables()).to.deep.equal(['legacy']);
      expect(await query(url, `SELECT to_regclass('schema_operator_history') AS r`)).to.deep.equal([
        { r: null },
      ]);
    });

    it('records a baseline and never runs the files at or below it', async () => {
      await query(url, 'CREATE TABLE a (id int); CREATE TABLE b (id int)');
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_b.sql': 'CREATE TABLE b (id int);',
        '003_c.sql': 'CREATE TABLE c (id int);',
      });
      const result = await run(dir, { baseline: '002' });
      expect(result.baselined).to.equal('002');
      expect(result.applied.map((a) => a.version)).to.deep.equal(['003']);
      expect((await ledger()).map((r) => [r.version, r.kind])).to.deep.equal([
        ['002', 'baseline'],
        ['003', 'migration'],
      ]);
      expect((await run(dir)).applied).to.deep.equal([]);
    });

    it('runs every migration over existing tables with adoptExisting', async () => {
      await query(url, 'CREATE TABLE a (id int)');
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (id int);',
        '002_b.sql': 'ALTER TABLE a ADD COLUMN IF NOT EXISTS name text;',
      });
      expect((await run(dir, { adoptExisting: true })).applied).to.have.length(2);
      expect(
        await query(
          url,
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'a' ORDER BY 1`,
        ),
      ).to.deep.equal([{ column_name: 'id' }, { column_name: 'name' }]);
    });

    it('stops at the target version', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_b.sql': 'CREATE TABLE b (id int);',
        '003_c.sql': 'CREATE TABLE c (id int);',
      });
      expect((await run(dir, { target: '002' })).applied.map((a) => a.version)).to.deep.equal([
        '001',
        '002',
      ]);
      expect(await tables()).to.deep.equal(['a', 'b']);
    });

    it('keeps the ledger in its own schema when asked', async () => {
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const ledger = { schema: 'ops', name: 'api_history' };
      await run(dir, { ledger });
      expect(await query(url, 'SELECT version FROM ops.api_history')).to.deep.equal([
        { version: '001' },
      ]);
      // The attempts table is made beside it with its first row, here a failure.
      expect(await query(url, "SELECT to_regclass('ops.api_attempts') AS r")).to.deep.equal([
        { r: null },
      ]);
      writeFiles(dir, { '002_b.sql': 'INSERT INTO nowhere VALUES (1);' });
      expect(await run(dir, { ledger }).catch((e: unknown) => e)).to.be.instanceOf(
        MigrationFailedError,
      );
      expect(await query(url, 'SELECT version, status FROM ops.api_attempts')).to.deep.equal([
        { version: '002', status: 'failed' },
      ]);
    });
  });
}
