import { expect } from 'chai';
import { bundledDir, lintMigrations, readMigrationDir } from '../../../src/engine/index.js';
import { lintMigration, pendingFindings } from '../../../src/engine/lint.js';
import { parseMigration } from '../../../src/engine/source.js';

const lint = (sql: string) => lintMigration(parseMigration({ name: '007_x.sql', content: sql }));
const rules = (sql: string) => lint(sql).map((f) => f.rule);

describe('lint', () => {
  const flagged: Array<[string, string, string]> = [
    [
      'create-index-not-concurrently',
      'an index built without CONCURRENTLY on an existing table',
      'CREATE INDEX i ON sessions (state);',
    ],
    [
      'create-index-not-concurrently',
      'a unique index on a schema-qualified table',
      'CREATE UNIQUE INDEX IF NOT EXISTS i ON public.users (email);',
    ],
    [
      'create-index-not-concurrently',
      'an index on a table made with IF NOT EXISTS (it may hold data)',
      'CREATE TABLE IF NOT EXISTS t (id int);\nCREATE INDEX i ON t (id);',
    ],
    [
      'foreign-key-not-valid',
      'a foreign key constraint added without NOT VALID',
      'ALTER TABLE sessions ADD CONSTRAINT fk FOREIGN KEY (agent_id) REFERENCES agents (agent_id);',
    ],
    [
      'foreign-key-not-valid',
      'a new column that references another table',
      'ALTER TABLE users ADD COLUMN org_id text REFERENCES organizations (id);',
    ],
    [
      'check-not-valid',
      'a CHECK added without NOT VALID',
      "ALTER TABLE users ADD CONSTRAINT c CHECK (role <> '');",
    ],
    [
      'volatile-default',
      'a column with a random default',
      'ALTER TABLE agents ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    ],
    [
      'volatile-default',
      'a serial column added to an existing table',
      'ALTER TABLE audit_log ADD COLUMN seq bigserial;',
    ],
    ['set-not-null', 'SET NOT NULL', 'ALTER TABLE users ALTER COLUMN org_id SET NOT NULL;'],
    ['alter-column-type', 'ALTER COLUMN TYPE', 'ALTER TABLE users ALTER COLUMN role TYPE text;'],
    [
      'alter-column-type',
      'SET DATA TYPE',
      'ALTER TABLE users ALTER role SET DATA TYPE varchar(100);',
    ],
    ['unbatched-update', 'an UPDATE with no WHERE', "UPDATE sessions SET org_id = 'default-org';"],
    [
      'unbatched-update',
      'an UPDATE whose WHERE only tests for NULL',
      "UPDATE sessions SET org_id = 'x' WHERE org_id IS NULL;",
    ],
    ['unbatched-update', 'a DELETE with no WHERE', 'DELETE FROM audit_log;'],
    [
      'unbatched-update',
      'an unbounded UPDATE inside a DO block',
      "DO $$ BEGIN UPDATE sessions SET org_id = 'x' WHERE org_id IS NULL; END $$;",
    ],
  ];
  for (const [rule, what, sql] of flagged) {
    it(`flags ${what} as ${rule}`, () => expect(rules(sql)).to.deep.equal([rule]));
  }

  const clean: Array<[string, string]> = [
    [
      'an index built CONCURRENTLY',
      '-- schema-operator: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON sessions (state);',
    ],
    [
      'an index on a table created earlier in the file',
      'CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);',
    ],
    [
      'a foreign key added NOT VALID',
      'ALTER TABLE s ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES a (id) NOT VALID;',
    ],
    ['validating a constraint', 'ALTER TABLE s VALIDATE CONSTRAINT fk;'],
    [
      'a column with a constant or stable default',
      "ALTER TABLE s ADD COLUMN p text DEFAULT 'vnc', ADD COLUMN t timestamp DEFAULT CURRENT_TIMESTAMP;",
    ],
    [
      'a batched UPDATE',
      "UPDATE sessions SET org_id = 'x' WHERE id IN (SELECT id FROM sessions WHERE org_id IS NULL LIMIT 5000);",
    ],
    ['an UPDATE of one row', "UPDATE users SET role = 'admin' WHERE id = 'admin';"],
    [
      'a batched UPDATE in a DO block with FOR UPDATE',
      'DO $$ BEGIN UPDATE s SET a = 1 WHERE id IN (SELECT id FROM s WHERE a IS NULL LIMIT 10 FOR UPDATE); END $$;',
    ],
    [
      'a trigger on UPDATE',
      'CREATE TRIGGER t BEFORE UPDATE ON s FOR EACH ROW EXECUTE FUNCTION f();',
    ],
  ];
  for (const [what, sql] of clean)
    it(`accepts ${what}`, () => expect(rules(sql)).to.deep.equal([]));

  const unbatched: Array<[string, string, boolean]> = [
    ['no WHERE', 'UPDATE t SET a = 1', true],
    ['a WHERE of NULL tests only', 'UPDATE t SET a = 1 WHERE a IS NULL AND b IS NOT NULL', true],
    ['a WHERE on a boolean column', 'DELETE FROM t WHERE archived', true],
    ['a WHERE with LIKE only', "DELETE FROM t WHERE name LIKE 'tmp%'", true],
    ['an equality', 'UPDATE t SET a = 1 WHERE id = 7', false],
    ['a range', 'DELETE FROM t WHERE created_at < now()', false],
    ['IN', 'DELETE FROM t WHERE id IN (1, 2)', false],
    ['BETWEEN', 'DELETE FROM t WHERE id BETWEEN 1 AND 9', false],
    ['ANY', 'DELETE FROM t WHERE id = ANY($1)', false],
    [
      'a LIMIT in a subquery',
      'UPDATE t SET a = 1 WHERE ctid IN (SELECT ctid FROM t WHERE a IS NULL LIMIT 10)',
      false,
    ],
  ];
  for (const [what, sql, flagged] of unbatched) {
    it(`unbatched-update: ${flagged ? 'flags' : 'accepts'} ${what}`, () =>
      expect(rules(`${sql};`)).to.deep.equal(flagged ? ['unbatched-update'] : []));
  }

  it('says for every rule which lock it takes and whether it rewrites or scans', () => {
    const effects = (sql: string) =>
      lint(sql).map(({ rule, lock, rewrites, scans, table }) => ({
        rule,
        lock,
        rewrites,
        scans,
        table,
      }));
    const AE = 'ACCESS EXCLUSIVE';
    expect([
      ...effects('CREATE INDEX i ON app.users (email);'),
      ...effects('ALTER TABLE s ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES a (id);'),
      ...effects('ALTER TABLE s ADD CONSTRAINT c CHECK (a > 0);'),
      ...effects('ALTER TABLE s ADD COLUMN u uuid DEFAULT gen_random_uuid();'),
      ...effects('ALTER TABLE s ALTER a SET NOT NULL;'),
      ...effects('CREATE TABLE x (a varchar(5));\nALTER TABLE y ALTER a TYPE int;'),
      ...effects('DELETE FROM s;'),
    ]).to.deep.equal([
      {
        rule: 'create-index-not-concurrently',
        lock: 'SHARE',
        rewrites: false,
        scans: true,
        table: 'app.users',
      },
      {
        rule: 'foreign-key-not-valid',
        lock: 'SHARE ROW EXCLUSIVE',
        rewrites: false,
        scans: true,
        table: 's',
      },
      { rule: 'check-not-valid', lock: AE, rewrites: false, scans: true, table: 's' },
      { rule: 'volatile-default', lock: AE, rewrites: true, scans: true, table: 's' },
      { rule: 'set-not-null', lock: AE, rewrites: false, scans: true, table: 's' },
      { rule: 'alter-column-type', lock: AE, rewrites: undefined, scans: undefined, table: 'y' },
      { rule: 'unbatched-update', lock: 'ROW EXCLUSIVE', rewrites: false, scans: true, table: 's' },
    ]);
  });

  it('names the file and the statement line', () => {
    expect(
      lint('SELECT 1;\n\nALTER TABLE users\n  ALTER COLUMN org_id SET NOT NULL;'),
    ).to.deep.equal([
      {
        rule: 'set-not-null',
        file: '007_x.sql',
        line: 3,
        message: lint('ALTER TABLE u ALTER c SET NOT NULL;')[0]!.message,
        lock: 'ACCESS EXCLUSIVE',
        rewrites: false,
        scans: true,
        table: 'users',
      },
    ]);
  });

  it('honours a lint-ignore comment with a reason', () => {
    expect(
      rules(
        '-- lint-ignore set-not-null: the table is created empty by 006\nALTER TABLE users ALTER org_id SET NOT NULL;',
      ),
    ).to.deep.equal([]);
    expect(
      rules(
        'ALTER TABLE users ALTER org_id SET NOT NULL; -- lint-ignore set-not-null: empty table',
      ),
    ).to.deep.equal([]);
  });

  it('reports a lint-ignore comment without a reason', () => {
    expect(
      rules('-- lint-ignore set-not-null\nALTER TABLE users ALTER org_id SET NOT NULL;'),
    ).to.deep.equal(['lint-ignore-without-reason', 'set-not-null']);
  });

  it('finds nothing in the bundled StreamSpace migrations', async () => {
    expect(lintMigrations(await readMigrationDir(bundledDir('streamspace')))).to.deep.equal([]);
  });
});

describe('lint of a plan (pendingFindings)', () => {
  const applied = parseMigration({
    name: '001_users.sql',
    content: 'CREATE TABLE users (name varchar(10));',
  });
  const widen = parseMigration({
    name: '002_widen.sql',
    content: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(40);',
  });
  const toInt = parseMigration({
    name: '003_int.sql',
    content: 'ALTER TABLE users ALTER COLUMN name TYPE int USING name::int;',
  });

  it('follows column types through the applied files, reporting only the pending ones', async () => {
    const findings = await pendingFindings(undefined, [applied, widen, toInt], [widen, toInt]);
    expect(findings.map((f) => [f.file, f.rule, f.rewrites])).to.deep.equal([
      ['003_int.sql', 'alter-column-type', true],
    ]);
  });

  it('cannot tell a widening from a rewrite when it sees only the pending files', async () => {
    const findings = await pendingFindings(undefined, [widen], [widen]);
    expect(findings.map((f) => [f.file, f.rule, f.rewrites])).to.deep.equal([
      ['002_widen.sql', 'alter-column-type', undefined],
    ]);
  });
});
