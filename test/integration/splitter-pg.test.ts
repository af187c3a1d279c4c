/**
 * The splitter and the statement classifier checked against PostgreSQL itself:
 * random scripts full of quoting and comment traps are run as one
 * simple-protocol query, and the server's own statement count and results
 * must match running the split statements one by one.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type pg from 'pg';
import { splitStatements, type SplitOptions } from '../../src/engine/splitter.js';
import { nonTransactionalReason } from '../../src/engine/statement-kind.js';
import { MAJORS, freshDatabase, withClient } from '../support/pg.js';

const RUNS = 200;

const chars = (units: string[], maxLength: number, minLength = 0) =>
  fc.string({ unit: fc.constantFrom(...units), minLength, maxLength });

// Comment bodies never form `/*` or `*/` by accident: slashes and stars come padded.
const commentText = chars(
  ['a', 'é', ' ', ';', "'", '"', '$', '$$', '-', '--', '\n', "E'", ' * ', ' / '],
  8,
);
const blockComment = (depth: number): fc.Arbitrary<string> =>
  depth === 0
    ? commentText.map((a) => `/*${a}*/`)
    : fc
        .tuple(commentText, fc.option(blockComment(depth - 1)), commentText)
        .map(([a, inner, b]) => `/*${a}${inner ?? ''}${b}*/`);
const lineComment = chars(['a', ' ', ';', "'", '"', '$', '$$', '/*', '*/', '\\', '-'], 8).map(
  (a) => `--${a}\n`,
);
const gap = (minLength: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(' ', '\n', '\t', '\r\n'), lineComment, blockComment(2)), {
      minLength,
      maxLength: 3,
    })
    .map((parts) => parts.join(''));

const bodyUnits = [
  'a',
  'é',
  ' ',
  '\n',
  ';',
  "'",
  '"',
  '$',
  '$$',
  '$a$',
  '-',
  '--',
  '/*',
  '*/',
  '\\',
  'E',
];
const body = chars(bodyUnits, 10);
const tag = fc.oneof(
  fc.constantFrom('', 'a', 'tag', 'T_1', 'é'),
  fc.stringMatching(/^[A-Za-z_]\w{0,4}$/),
);

const dollarQuoted = fc
  .tuple(tag, body)
  .filter(([t, b]) => `${b}$${t}$`.indexOf(`$${t}$`) === b.length)
  .map(([t, b]) => `$${t}$${b}$${t}$`);
const escapeBody = fc
  .tuple(body, fc.boolean())
  .map(([b, doubled]) => b.replaceAll('\\', '\\\\').replaceAll("'", doubled ? "''" : "\\'"));
const eString = fc.tuple(fc.constantFrom('E', 'e'), escapeBody).map(([p, b]) => `${p}'${b}'`);
/** A '...' string as read with standard_conforming_strings on or off. */
const plainString = (scs: boolean) =>
  scs ? body.map((b) => `'${b.replaceAll("'", "''")}'`) : escapeBody.map((b) => `'${b}'`);
// A type name before a string casts it (`name'x'`); the `e` is not an E'' prefix.
const typed = (scs: boolean) => plainString(scs).map((s) => `name${s}`);
// `E'a'<newline>'b'` is one E'' string, so `\'` in its second part is still an escape.
const continuation = fc.constantFrom('\n', ' \n ', "\t-- it's;\n", '\n-- x\n\n ', '\r\n');
const continued = fc.oneof(
  fc.tuple(eString, continuation, escapeBody).map(([first, ws, b]) => `${first}${ws}'${b}'`),
  fc
    .tuple(plainString(true), continuation, plainString(true))
    .map(([first, ws, second]) => first + ws + second),
);
const unicodeString = body
  .map((b) => b.replaceAll('\\', '\\\\').replaceAll("'", "''"))
  .map((b) => `U&'${b}\\0041'`);
const bitString = fc.oneof(
  fc.stringMatching(/^[01]{0,8}$/).map((d) => `B'${d}'`),
  fc.stringMatching(/^[0-9a-f]{0,4}$/).map((d) => `x'${d}'`),
);
const number = fc.nat().map(String);

/** Expressions of text built from the given literals, with comments between the tokens. */
function expression(literal: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const ident = fc.constantFrom('a$b', 'x$$', 'é$', 'e', 'typee');
  const term = fc.oneof(
    fc.tuple(literal, gap(0)).map(([l, g]) => `(${g}${l})::text`),
    fc.tuple(literal, ident).map(([l, i]) => `(SELECT (${l})::text AS ${i})`),
  );
  return fc
    .array(fc.tuple(gap(0), term), { minLength: 1, maxLength: 3 })
    .map((terms) => terms.map(([g, t], i) => (i === 0 ? t : `${g}||${g}${t}`)).join(''));
}

const alias = chars(['a', ' ', ';', '"', "'", '$', '-'], 8, 1).map(
  (a) => ` AS "${a.replaceAll('"', '""')}"`,
);

function select(literal: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(gap(1), expression(literal), fc.option(fc.tuple(gap(1), alias)))
    .map(([g, e, a]) => `SELECT${g}${e}${a ? a.join('') : ''}`);
}

/** Statements joined by `;` with comments, blank lines and empty statements around them. */
function script(statement: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const separator = fc
    .tuple(gap(0), fc.constantFrom(';', ';;', '; ;'), gap(0))
    .map(([a, s, b]) => a + s + b);
  return fc
    .tuple(gap(0), fc.array(fc.tuple(statement, separator), { minLength: 1, maxLength: 4 }))
    .map(([lead, parts]) => lead + parts.map(([s, sep]) => s + sep).join(''))
    .chain((s) => fc.constantFrom(s, s.replace(/[;\s]*$/, '')));
}

const literal = fc.oneof(
  dollarQuoted,
  plainString(true),
  typed(true),
  eString,
  continued,
  unicodeString,
  bitString,
  number,
);

/** Runs `sql` as one simple-protocol query and returns one result per statement. */
async function runAll(c: pg.Client, sql: string): Promise<pg.QueryResult[]> {
  const result = (await c.query(sql)) as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}

/**
 * The splitter agrees with the server on the number of statements and on each
 * one's result. `reset` puts back the state the script may change, before the
 * script runs whole and again before its statements run one by one in order.
 */
async function agreesWithServer(
  c: pg.Client,
  sql: string,
  options?: SplitOptions,
  reset?: () => Promise<unknown>,
) {
  await reset?.();
  const whole = await runAll(c, sql);
  const parts = splitStatements(sql, options);
  expect(parts.map((p) => p.text)).to.have.length(whole.length, `statements of ${sql}`);
  await reset?.();
  for (const [i, part] of parts.entries()) {
    expect(sql.slice(part.offset, part.offset + part.text.length)).to.equal(part.text);
    const alone = await c.query(part.text);
    expect(alone.rows).to.deep.equal(whole[i]!.rows, `result of ${part.text}`);
  }
}

for (const major of MAJORS) {
  describe(`the statement splitter against PostgreSQL ${major}`, () => {
    let url: string;
    before(async () => {
      url = await freshDatabase(major);
    });

    it('splits random scripts of quotes, dollar quotes and comments as the server does', () =>
      withClient(url, (c) =>
        fc.assert(
          fc.asyncProperty(script(select(literal)), (sql) => agreesWithServer(c, sql)),
          { numRuns: RUNS },
        ),
      ));

    it('splits with backslash escapes in plain strings when standard_conforming_strings is off', () =>
      withClient(url, async (c) => {
        await c.query('SET standard_conforming_strings = off; SET escape_string_warning = off');
        const off = fc.oneof(dollarQuoted, plainString(false), typed(false), eString, bitString);
        await fc.assert(
          fc.asyncProperty(script(select(off)), (sql) =>
            agreesWithServer(c, sql, { standardConformingStrings: false }),
          ),
          { numRuns: RUNS / 2 },
        );
      }));

    it('keeps the semicolons of a BEGIN ATOMIC function body inside the CREATE FUNCTION', () => {
      const kw = (w: string) =>
        fc.constantFrom(w, w.toLowerCase(), w[0] + w.slice(1).toLowerCase());
      const caseExpr = fc
        .tuple(kw('CASE'), expression(literal), kw('END'))
        .map(([k, e, end]) => `${k} WHEN true THEN ${e} ELSE 'no' ${end}`);
      const bodyStatement = fc.oneof(
        select(literal),
        caseExpr.map((e) => `SELECT ${e}`),
        caseExpr.map((e) => `SELECT (${e})`),
      );
      const routine = fc
        .tuple(
          fc.nat(3),
          fc.constantFrom('CREATE OR REPLACE FUNCTION', 'create or replace procedure'),
          kw('BEGIN'),
          gap(1),
          kw('ATOMIC'),
          fc.array(fc.tuple(gap(0), bodyStatement), { minLength: 1, maxLength: 3 }),
          kw('END'),
        )
        .map(([n, create, begin, g, atomic, stmts, end]) => {
          const signature = create.endsWith('FUNCTION') ? `f${n}() RETURNS text` : `p${n}()`;
          const body = stmts.map(([g2, s]) => `${g2}${s};`).join('');
          return `${create} ${signature} LANGUAGE sql ${begin}${g}${atomic} ${body} ${end}`;
        });
      const call = fc.nat(3).map((n) => `SELECT f${n}() AS r`);
      const statement = fc.oneof(routine, select(literal));
      // Every f<n> a call may reach exists, with a known body, before each run.
      const reset = (c: pg.Client) =>
        c.query(
          [0, 1, 2, 3]
            .map(
              (n) => `CREATE OR REPLACE FUNCTION f${n}() RETURNS text LANGUAGE sql RETURN 'f${n}'`,
            )
            .join(';'),
        );
      return withClient(url, (c) =>
        fc.assert(
          fc.asyncProperty(script(fc.oneof(statement, call)), (sql) =>
            agreesWithServer(c, sql, {}, () => reset(c)),
          ),
          { numRuns: RUNS },
        ),
      );
    });

    it('keeps the semicolons of a CREATE RULE action list inside the statement, as the server does', () =>
      withClient(url, async (c) => {
        const sql = `CREATE TABLE r_src (x int); CREATE TABLE r_a (x int); CREATE TABLE r_b (x int);
          CREATE RULE r AS ON INSERT TO r_src DO ALSO (INSERT INTO r_a VALUES (1); INSERT INTO r_b VALUES (2));
          SELECT 1 AS one`;
        const whole = await runAll(c, sql);
        expect(splitStatements(sql)).to.have.length(whole.length).and.to.have.length(5);
      }));
  });

  describe(`statement kinds against PostgreSQL ${major}`, () => {
    let url: string;
    let db: string;
    before(async () => {
      url = await freshDatabase(major);
      db = new URL(url).pathname.slice(1);
      await withClient(url, (c) =>
        c.query(`CREATE TABLE t (x int PRIMARY KEY);
          CREATE MATERIALIZED VIEW mv AS SELECT x FROM t; CREATE UNIQUE INDEX ON mv (x);
          CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=1' PUBLICATION p
            WITH (connect = false)`),
      );
    });

    // Statements that cannot, and similar ones that can, run in a transaction block.
    const examples = () => [
      'CREATE INDEX CONCURRENTLY i1 ON t (x)',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i2 ON ONLY t (x)',
      'CREATE INDEX "concurrently" ON t (x)',
      'DROP INDEX CONCURRENTLY IF EXISTS i1',
      'DROP INDEX IF EXISTS i1',
      'REINDEX TABLE CONCURRENTLY t',
      'REINDEX (CONCURRENTLY) TABLE t',
      'REINDEX (VERBOSE, CONCURRENTLY false) TABLE t',
      'REINDEX TABLE t',
      `REINDEX SCHEMA public`,
      `REINDEX DATABASE ${db}`,
      `REINDEX SYSTEM ${db}`,
      'VACUUM',
      'VACUUM (ANALYZE) t',
      'ANALYZE t',
      'CLUSTER',
      'CLUSTER VERBOSE',
      'CLUSTER t USING t_pkey',
      'CREATE DATABASE d_never',
      'DROP DATABASE IF EXISTS d_never',
      `ALTER DATABASE ${db} SET TABLESPACE pg_default`,
      `ALTER DATABASE ${db} SET work_mem = '4MB'`,
      "CREATE TABLESPACE ts_never LOCATION '/nonexistent'",
      'DROP TABLESPACE IF EXISTS ts_never',
      "ALTER SYSTEM SET work_mem = '4MB'",
      "CREATE SUBSCRIPTION s2 CONNECTION 'host=127.0.0.1 port=1' PUBLICATION p",
      "CREATE SUBSCRIPTION s2 CONNECTION 'host=127.0.0.1 port=1' PUBLICATION p WITH (connect = false)",
      'DROP SUBSCRIPTION s',
      'ALTER SUBSCRIPTION s ADD PUBLICATION p2 WITH (refresh = false)',
      // The subscription has a slot name but is disabled, as these options require.
      ...(major >= 17
        ? [
            'ALTER SUBSCRIPTION s SET (failover = true)',
            'ALTER SUBSCRIPTION s SET (two_phase = false)',
          ]
        : []),
      'ALTER TABLE t DETACH PARTITION t_1 CONCURRENTLY',
      'ALTER TABLE t DETACH PARTITION t_1',
      'DISCARD ALL',
      'DISCARD PLANS',
      "COMMIT PREPARED 'never'",
      "ROLLBACK PREPARED 'never'",
      'REFRESH MATERIALIZED VIEW CONCURRENTLY mv',
    ];

    it('flags exactly the statements the server refuses in a transaction block, with its wording', () =>
      withClient(url, async (c) => {
        for (const sql of examples()) {
          await c.query('BEGIN');
          const error = await c.query(sql).then(
            () => '',
            (e: Error) => e.message,
          );
          await c.query('ROLLBACK');
          const reason = nonTransactionalReason(sql);
          if (reason)
            expect(error, sql).to.equal(`${reason} cannot run inside a transaction block`);
          else expect(error, sql).to.not.match(/cannot run inside a transaction block/);
        }
      }));
  });
}
