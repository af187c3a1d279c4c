import { expect } from 'chai';
import fc from 'fast-check';
import { parseMigration } from '../../../src/engine/source.js';

/** The statements checksum of `sql` as a file would have it. */
const sum = (sql: string): string =>
  parseMigration({ name: '001_x.sql', content: sql }, { validate: false }).statementsChecksum;

const BASE = `-- schema-operator: lock-timeout=2s
-- Users and their e-mail.
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL DEFAULT 'none' /* the default */
);
INSERT INTO users VALUES (1, E'a\\'b', 'x''y');
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  -- inside the body
  RETURN 1;
END $$;
`;

/** Each case: a description and the edited file; `same` means comments/whitespace only. */
const cases: Array<{ what: string; sql: string; same: boolean }> = [
  {
    what: 'an added line comment',
    sql: BASE.replace('CREATE TABLE', '-- new\nCREATE TABLE'),
    same: true,
  },
  {
    what: 'a removed line comment',
    sql: BASE.replace('-- Users and their e-mail.\n', ''),
    same: true,
  },
  { what: 'a removed block comment', sql: BASE.replace(' /* the default */', ''), same: true },
  {
    what: 'a moved comment',
    sql: BASE.replace(' /* the default */', '').replace('(\n  id', '( /* the default */\n  id'),
    same: true,
  },
  {
    what: 'a nested block comment',
    sql: BASE.replace('/* the default */', '/* a /* nested */ one */'),
    same: true,
  },
  {
    what: 'a re-indented line',
    sql: BASE.replace('  id bigint', '        id    bigint'),
    same: true,
  },
  { what: 'CRLF line endings', sql: BASE.replace(/\n/g, '\r\n'), same: true },
  { what: 'trailing whitespace', sql: BASE.replace(/\n/g, '   \n'), same: true },
  { what: 'blank lines', sql: BASE.replace(');\nINSERT', ');\n\n\nINSERT') + '\n\n', same: true },
  {
    what: 'a comment between statements',
    sql: BASE.replace(');\nINSERT', ');\n/* seed */ -- and more\nINSERT'),
    same: true,
  },
  {
    what: 'a statement on one line',
    sql: BASE.replace('(\n  id bigint PRIMARY KEY,\n  email', '(id bigint PRIMARY KEY, email'),
    same: true,
  },
  { what: 'a changed string literal', sql: BASE.replace("'none'", "'nobody'"), same: false },
  { what: 'a changed E string escape', sql: BASE.replace("E'a\\'b'", "E'a\\\\b'"), same: false },
  { what: 'a changed identifier', sql: BASE.replace('email text', 'mail text'), same: false },
  { what: 'a changed keyword', sql: BASE.replace('NOT NULL', 'NULL'), same: false },
  {
    what: 'a keyword in another case',
    sql: BASE.replace('CREATE TABLE', 'create table'),
    same: false,
  },
  { what: 'a changed number', sql: BASE.replace('(1, ', '(2, '), same: false },
  { what: 'a changed operator', sql: BASE.replace('VALUES (1,', 'VALUES (1 + 0,'), same: false },
  { what: 'a quoted identifier', sql: BASE.replace('email text', '"email" text'), same: false },
  {
    what: 'a changed dollar-quoted body',
    sql: BASE.replace('RETURN 1;', 'RETURN 2;'),
    same: false,
  },
  {
    what: 'a comment inside a dollar-quoted body',
    sql: BASE.replace('-- inside the body', '-- changed'),
    same: false,
  },
  {
    what: 're-indenting inside a dollar-quoted body',
    sql: BASE.replace('  RETURN 1;', '    RETURN 1;'),
    same: false,
  },
  { what: 'whitespace inside a string', sql: BASE.replace("'none'", "'none '"), same: false },
  {
    what: 'a changed directive',
    sql: BASE.replace('lock-timeout=2s', 'lock-timeout=3s'),
    same: false,
  },
  { what: 'an added directive', sql: '-- schema-operator: no-transaction\n' + BASE, same: false },
  {
    what: 'a directive spelled differently, same value',
    sql: BASE.replace('lock-timeout=2s', 'lock-timeout=2000ms'),
    same: true,
  },
  {
    what: 'a moved semicolon',
    sql: BASE.replace(');\nINSERT', ')\nINSERT').replace("'x''y');", "'x''y');;"),
    same: false,
  },
  { what: 'an extra statement', sql: BASE + 'SELECT 1;', same: false },
];

describe('the statements checksum', () => {
  const base = sum(BASE);

  it('is versioned, so that its form can change later', () => {
    expect(base).to.match(/^v1:sha256:[0-9a-f]{64}$/);
  });

  for (const c of cases) {
    it(`${c.same ? 'is unchanged by' : 'changes with'} ${c.what}`, () => {
      expect(c.sql).to.not.equal(BASE);
      if (c.same) expect(sum(c.sql)).to.equal(base);
      else expect(sum(c.sql)).to.not.equal(base);
    });
  }

  it('reads strings after standard_conforming_strings = off as the server does', () => {
    const off = "SET standard_conforming_strings = off;\nSELECT 'a\\' -- not a comment';\n";
    // The backslash escapes the quote: the dashes are inside the string, so changing them is an edit.
    expect(sum(off)).to.not.equal(sum(off.replace('not a comment', 'not a commentX')));
  });

  it('is unchanged by comments and whitespace put between any two tokens', () => {
    const tokens = [
      'CREATE',
      'TABLE',
      't',
      '(',
      'a',
      'int',
      ')',
      ';',
      'SELECT',
      "'x  y'",
      ',',
      '$$ b $$',
      ';',
    ];
    const gap = fc.constantFrom(' ', '\n', '\t', ' -- c\n', '/* c */', '/* a /* b */ */', '\r\n');
    const gaps = fc.array(gap, { minLength: tokens.length + 1, maxLength: tokens.length + 1 });
    const plain = sum(tokens.join(' '));
    fc.assert(
      fc.property(gaps, (g) => {
        const sql = g[0] + tokens.map((t, i) => t + g[i + 1]).join('');
        expect(sum(sql)).to.equal(plain);
      }),
    );
  });
});
