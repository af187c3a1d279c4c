/**
 * The referee for the lint rules' rewrite verdicts: each case runs on a real
 * PostgreSQL, and the table counts as rewritten when pg_class.relfilenode
 * changed. The unit tests hold the rules to the same table of cases.
 */
import { expect } from 'chai';
import { lintMigrations, lintMigrationsAgainst } from '../../../src/engine/lint.js';
import { parseMigration } from '../../../src/engine/source.js';
import { freshDatabase, withClient } from '../../support/pg.js';
import { TYPE_CHANGES } from '../../support/type-change-cases.js';

const MAJOR = 18;

describe(`lint rewrite verdicts against PostgreSQL ${MAJOR}`, () => {
  let url: string;
  before(async () => (url = await freshDatabase(MAJOR)));

  /** Runs `setup`, then `change`, and says whether the table t got a new relfilenode. */
  const rewrote = (setup: string, change: string) =>
    withClient(url, async (c) => {
      // Not UTC: timestamp -> timestamptz keeps the table only when the zone is UTC.
      await c.query(`SET TimeZone = 'Europe/Berlin'; DROP TABLE IF EXISTS t; ${setup}`);
      await c.query('INSERT INTO t DEFAULT VALUES');
      const node = `SELECT relfilenode FROM pg_class WHERE oid = 't'::regclass`;
      const before = (await c.query<{ relfilenode: number }>(node)).rows[0]!.relfilenode;
      await c.query(change);
      const after = (await c.query<{ relfilenode: number }>(node)).rows[0]!.relfilenode;
      return before !== after;
    });

  for (const { from, to, rewrites } of TYPE_CHANGES) {
    it(`${rewrites ? 'rewrites' : 'keeps'} the table for ${from} -> ${to}`, async () => {
      const change = `ALTER TABLE t ALTER COLUMN c TYPE ${to}`;
      expect(await rewrote(`CREATE TABLE t (id int, c ${from})`, change)).to.equal(rewrites);
      const verdict = lintMigrations([
        parseMigration({ name: '001_a.sql', content: `CREATE TABLE t (id int, c ${from});` }),
        parseMigration({ name: '002_b.sql', content: `${change};` }),
      ]).some((f) => f.rewrites === true);
      expect(verdict).to.equal(rewrites);
    });
  }

  it('judges a default calling a user function by pg_proc, as the server rewrites', async () => {
    await withClient(url, (c) =>
      // plpgsql: a one-line SQL function would be inlined into a constant.
      c.query(`CREATE FUNCTION v_code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$ BEGIN RETURN 'x'; END $$;
               CREATE FUNCTION s_code() RETURNS text LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 'x'; END $$;`),
    );
    for (const [fn, rewrites] of [
      ['v_code', true],
      ['s_code', false],
    ] as const) {
      const change = `ALTER TABLE t ADD COLUMN d text DEFAULT ${fn}()`;
      expect(await rewrote('CREATE TABLE t (id int)', change)).to.equal(rewrites);
      const findings = await withClient(url, (c) =>
        lintMigrationsAgainst(c, [parseMigration({ name: '001_a.sql', content: `${change};` })]),
      );
      expect(findings.map((f) => f.rewrites)).to.deep.equal(rewrites ? [true] : []);
    }
  });
});
