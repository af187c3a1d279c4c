/**
 * The same files run by real psql and by `migrate`, each on a fresh
 * database of the same server, and the outcomes compared: the rows and
 * objects left behind and the exit status. psql runs a no-transaction file
 * in autocommit and any other file with -1, as the engine does.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../support/cli.js';
import { migrationDir, writeFiles } from '../../support/files.js';
import { freshDatabase, MAJORS, query } from '../../support/pg.js';
import { runPsql } from '../../support/psql.js';

const NOTX = '-- schema-operator: no-transaction\n';

/** The tables, views and indexes outside the system and ledger, with their owners. */
async function objects(url: string): Promise<string[]> {
  const rows = await query<{ o: string }>(
    url,
    `SELECT format('%s.%s:%s:%s', n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner)) AS o
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND c.relname NOT LIKE 'schema_operator%' AND c.relkind IN ('r', 'v', 'i', 'S')
      ORDER BY 1`,
  );
  return rows.map((r) => r.o);
}

for (const major of MAJORS) {
  describe(`no-transaction files and session state, psql against migrate, on PostgreSQL ${major}`, function () {
    this.timeout(60_000);
    const role = `notx_r${major}_${process.pid}`;
    const login = `notx_l${major}_${process.pid}`;

    /** A fresh database each for psql and migrate, with `setup` run on both. */
    async function databases(setup = ''): Promise<{ viaPsql: string; viaMigrate: string }> {
      const viaPsql = await freshDatabase(major);
      const viaMigrate = await freshDatabase(major);
      if (setup) for (const url of [viaPsql, viaMigrate]) await query(url, setup);
      return { viaPsql, viaMigrate };
    }

    /** Runs `files` in name order through psql (stopping at a failure); returns psql's last exit status. */
    function psqlRun(url: string, dir: string, files: Record<string, string>): number | null {
      let code: number | null = 0;
      for (const name of Object.keys(files).sort()) {
        const r = runPsql(url, join(dir, name), !files[name]!.startsWith(NOTX));
        code = r.code;
        if (code !== 0) break;
      }
      return code;
    }

    function migrateRun(url: string, dir: string): Promise<CliResult> {
      return runCli(['migrate', '--database-url', url, '--dir', dir]);
    }

    before(async () => {
      const { viaPsql } = await databases();
      await query(
        viaPsql,
        `DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
      await query(
        viaPsql,
        `DO $$ BEGIN CREATE ROLE ${login} LOGIN PASSWORD 'pw'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
      );
    });

    it('refuses transaction control in a no-transaction file, naming file and line, before anything runs (psql leaves no row)', async () => {
      const files = {
        '001_tx.sql': `${NOTX}CREATE TABLE t (id int);\nBEGIN;\nINSERT INTO t VALUES (1);\nROLLBACK;\n`,
      };
      const { viaPsql, viaMigrate } = await databases();
      const dir = migrationDir(files);
      expect(psqlRun(viaPsql, dir, files)).to.equal(0);
      expect(await query(viaPsql, 'SELECT * FROM t')).to.deep.equal([]);
      const r = await migrateRun(viaMigrate, dir);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include('001_tx.sql:3').and.include('transaction control');
      // Nothing ran: not even the statement before the BEGIN.
      expect(await objects(viaMigrate)).to.deep.equal([]);
      expect(
        await query(viaMigrate, `SELECT to_regclass('schema_operator_history') AS r`),
      ).to.deep.equal([{ r: null }]);
    });

    it('refuses a cursor without WITH HOLD in a no-transaction file; one WITH HOLD works across statements as in psql', async () => {
      const bad = { '001_cursor.sql': `${NOTX}DECLARE c CURSOR FOR SELECT 1;\n` };
      const { viaPsql, viaMigrate } = await databases();
      const badDir = migrationDir(bad);
      expect(psqlRun(viaPsql, badDir, bad)).to.equal(3);
      const refused = await migrateRun(viaMigrate, badDir);
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr).to.include('001_cursor.sql:2');

      const good = {
        '001_cursor.sql':
          `${NOTX}CREATE TABLE seen (n int);\n` +
          'DECLARE c CURSOR WITH HOLD FOR SELECT g FROM generate_series(1, 3) g;\n' +
          'MOVE 2 IN c;\n' +
          `INSERT INTO seen SELECT 2 WHERE EXISTS (SELECT 1 FROM pg_cursors WHERE name = 'c');\n` +
          'CLOSE c;\n',
      };
      const two = await databases();
      const goodDir = migrationDir(good);
      expect(psqlRun(two.viaPsql, goodDir, good)).to.equal(0);
      const ran = await migrateRun(two.viaMigrate, goodDir);
      expect(ran.code, ran.stderr).to.equal(0);
      const seen = 'SELECT n FROM seen';
      expect(await query(two.viaMigrate, seen)).to.deep.equal(await query(two.viaPsql, seen));
      expect(await query(two.viaMigrate, seen)).to.deep.equal([{ n: 2 }]);
    });

    it('writes the ledger as its own user after SET ROLE and SET SESSION AUTHORIZATION, and the next file runs as that user again', async () => {
      const files = {
        '001_role.sql': `${NOTX}SET ROLE ${role};\nCREATE TABLE by_role (id int);\nINSERT INTO by_role VALUES (1);\n`,
        '002_auth.sql': `${NOTX}SET SESSION AUTHORIZATION ${role};\nCREATE TABLE by_auth (id int);\n`,
        '003_tx_role.sql': `SET ROLE ${role};\nCREATE TABLE tx_by_role (id int);\n`,
        '004_after.sql': 'CREATE TABLE after_files (id int);\n',
      };
      const { viaPsql, viaMigrate } = await databases(`GRANT CREATE ON SCHEMA public TO ${role}`);
      const dir = migrationDir(files);
      expect(psqlRun(viaPsql, dir, files)).to.equal(0);
      const r = await migrateRun(viaMigrate, dir);
      expect(r.code, r.stderr).to.equal(0);
      expect(await objects(viaMigrate)).to.deep.equal(await objects(viaPsql));
      expect(await objects(viaMigrate)).to.include.members([
        `public.by_role:r:${role}`,
        `public.by_auth:r:${role}`,
        `public.tx_by_role:r:${role}`,
      ]);
      expect(await objects(viaMigrate)).to.include('public.after_files:r:postgres');
      const ledger = await query<{ version: string }>(
        viaMigrate,
        'SELECT version FROM schema_operator_history ORDER BY 1',
      );
      expect(ledger.map((l) => l.version)).to.deep.equal(['001', '002', '003', '004']);
    });

    it('runs the same way for a connection user that is not a superuser', async () => {
      const files = {
        '001_notx.sql': `${NOTX}CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE t (id int);\n`,
        '002_tx.sql': 'SET search_path = app;\nCREATE TABLE u (id int);\n',
        '003_after.sql': 'CREATE TABLE v (id int);\n',
      };
      const owned = `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO ${login}', current_database()); END $$`;
      const { viaPsql, viaMigrate } = await databases(owned);
      const as = (u: string) => {
        const url = new URL(u);
        url.username = login;
        url.password = 'pw';
        return url.toString();
      };
      const dir = migrationDir(files);
      expect(psqlRun(as(viaPsql), dir, files)).to.equal(0);
      const r = await migrateRun(as(viaMigrate), dir);
      expect(r.code, r.stderr).to.equal(0);
      expect(await objects(viaMigrate)).to.deep.equal(await objects(viaPsql));
      expect(await objects(viaMigrate)).to.include.members([
        `app.t:r:${login}`,
        `app.u:r:${login}`,
        `public.v:r:${login}`,
      ]);
    });

    it('replays the session settings of the statements before a failure when it resumes the file', async () => {
      const files = {
        '001_resume.sql':
          `${NOTX}SET search_path = app;\nCREATE TABLE first (id int);\n` +
          `DO $$ BEGIN IF to_regclass('public.go') IS NULL THEN RAISE EXCEPTION 'not yet'; END IF; END $$;\n` +
          'CREATE TABLE second (id int);\n',
      };
      const { viaPsql, viaMigrate } = await databases('CREATE SCHEMA app');
      const dir = migrationDir(files);
      await query(viaPsql, 'CREATE TABLE public.go ()');
      expect(psqlRun(viaPsql, dir, files)).to.equal(0);
      const failed = await migrateRun(viaMigrate, dir);
      expect(failed.code).to.equal(1);
      expect(failed.stderr).to.include('not yet');
      await query(viaMigrate, 'CREATE TABLE public.go ()');
      const resumed = await migrateRun(viaMigrate, dir);
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(await objects(viaMigrate)).to.deep.equal(await objects(viaPsql));
      expect(await objects(viaMigrate)).to.include.members([
        'app.first:r:postgres',
        'app.second:r:postgres',
      ]);
    });

    it("keeps a file's own statement_timeout and lock_timeout, in both kinds of file", async () => {
      const body =
        `SET statement_timeout = '4321ms';\nSET lock_timeout = '1234ms';\n` +
        `CREATE TABLE seen_{k} AS SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt;\n` +
        'SELECT pg_sleep(0.01);\n' +
        `INSERT INTO seen_{k} SELECT current_setting('statement_timeout'), current_setting('lock_timeout');\n`;
      const files = {
        '001_notx.sql': NOTX + body.replaceAll('{k}', 'notx'),
        '002_tx.sql': body.replaceAll('{k}', 'tx'),
      };
      const { viaPsql, viaMigrate } = await databases();
      const dir = migrationDir(files);
      expect(psqlRun(viaPsql, dir, files)).to.equal(0);
      const r = await migrateRun(viaMigrate, dir);
      expect(r.code, r.stderr).to.equal(0);
      for (const k of ['notx', 'tx']) {
        const sql = `SELECT st, lt FROM seen_${k}`;
        expect(await query(viaMigrate, sql), k).to.deep.equal(await query(viaPsql, sql));
        expect(await query(viaMigrate, sql), k).to.deep.equal([
          { st: '4321ms', lt: '1234ms' },
          { st: '4321ms', lt: '1234ms' },
        ]);
      }
    });

    it('stops a no-transaction file at its own statement_timeout, as psql does', async () => {
      const files = {
        '001_slow.sql': `${NOTX}SET statement_timeout = '50ms';\nSELECT pg_sleep(1);\n`,
      };
      const { viaPsql, viaMigrate } = await databases();
      const dir = migrationDir(files);
      expect(psqlRun(viaPsql, dir, files)).to.equal(3);
      const r = await migrateRun(viaMigrate, dir);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('57014');
    });

    it("runs a transactional file that turns standard_conforming_strings off and then uses 'it\\'s; done'", async () => {
      const body =
        'SET standard_conforming_strings = off;\n' +
        'CREATE TABLE said (v text);\n' +
        `INSERT INTO said VALUES ('it\\'s; done');\n` +
        'RESET standard_conforming_strings;\n' +
        `INSERT INTO said VALUES ('back\\');\n`;
      const files = {
        '001_scs.sql': body,
        '002_notx.sql': NOTX + body.replace('said', 'said2').replaceAll('INTO said', 'INTO said2'),
      };
      const { viaPsql, viaMigrate } = await databases();
      const dir = migrationDir(files);
      expect(psqlRun(viaPsql, dir, files)).to.equal(0);
      const r = await migrateRun(viaMigrate, dir);
      expect(r.code, r.stderr).to.equal(0);
      for (const t of ['said', 'said2']) {
        const sql = `SELECT v FROM ${t} ORDER BY v`;
        expect(await query(viaMigrate, sql), t).to.deep.equal(await query(viaPsql, sql));
      }
      expect(await query(viaMigrate, 'SELECT v FROM said ORDER BY v')).to.deep.equal([
        { v: 'back\\' },
        { v: "it's; done" },
      ]);
      // Rolled back whole when a later statement fails, as one transaction.
      writeFiles(dir, { '003_fails.sql': body.replaceAll('said', 'said3') + 'SELECT 1/0;\n' });
      const failed = await migrateRun(viaMigrate, dir);
      expect(failed.code).to.equal(1);
      expect(failed.stderr).to.include('003_fails.sql:6');
      expect(await query(viaMigrate, `SELECT to_regclass('said3') AS r`)).to.deep.equal([
        { r: null },
      ]);
    });
  });
}
