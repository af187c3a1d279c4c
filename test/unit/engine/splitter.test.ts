import { expect } from 'chai';
import {
  leadingWords,
  splitStatements,
  standardConformingStringsChange,
  tokens,
} from '../../../src/engine/splitter.js';

/** [what the splitter does, script, the statements' texts] */
type Case = [string, string, string[]];

const texts = (sql: string, scs = true) =>
  splitStatements(sql, { standardConformingStrings: scs }).map((s) => s.text);

describe('splitStatements', () => {
  const basics: Case[] = [
    ['splits at top-level semicolons', 'SELECT 1; SELECT 2;', ['SELECT 1', 'SELECT 2']],
    [
      'keeps a last statement that has no semicolon',
      'SELECT 1;\nSELECT 2\n',
      ['SELECT 1', 'SELECT 2'],
    ],
    ['drops empty statements', ';; SELECT 1 ;;\n; ;', ['SELECT 1']],
    ['drops statements that are only comments', 'SELECT 1; -- done\n/* really */;', ['SELECT 1']],
    ['returns nothing for a script of only comments', '-- a\n/* b */\n', []],
    [
      'starts a statement at its first token, leaving out the comments before it',
      '-- header; with a semicolon\n/* block; */ SELECT 1',
      ['SELECT 1'],
    ],
    [
      'keeps comments inside a statement and trims only trailing whitespace',
      'SELECT 1 /* one; */ + 2 -- two;\n \t;',
      ['SELECT 1 /* one; */ + 2 -- two;'],
    ],
    [
      'trims only what PostgreSQL calls whitespace, not a no-break space in an identifier',
      'SELECT 1 AS a\u00a0 \n',
      ['SELECT 1 AS a\u00a0'],
    ],
  ];

  const quoting: Case[] = [
    [
      'ignores a semicolon in a dollar quote',
      'SELECT $$a;b$$; SELECT 2',
      ['SELECT $$a;b$$', 'SELECT 2'],
    ],
    [
      'ignores other tags and a bare $$ inside a tagged dollar quote',
      'SELECT $fn$ $$; $x$; $fn$; SELECT 2',
      ['SELECT $fn$ $$; $x$; $fn$', 'SELECT 2'],
    ],
    ['matches dollar-quote tags case-sensitively', 'SELECT $a$ $A$; $a$', ['SELECT $a$ $A$; $a$']],
    [
      'takes non-ASCII letters in a tag',
      'SELECT $é$;$é$; SELECT 2',
      ['SELECT $é$;$é$', 'SELECT 2'],
    ],
    [
      'reads $1 as a parameter, not a dollar quote',
      'SELECT $1; SELECT $2',
      ['SELECT $1', 'SELECT $2'],
    ],
    [
      'reads a tag starting with a digit as part of a parameter',
      'SELECT $1a$; $1a$',
      ['SELECT $1a$', '$1a$'],
    ],
    ['lets a dollar quote follow a parameter directly', 'SELECT $1$$;$$', ['SELECT $1$$;$$']],
    [
      'reads $ after an identifier character as part of the identifier',
      'SELECT a$b$; SELECT 1',
      ['SELECT a$b$', 'SELECT 1'],
    ],
    [
      'reads $$ after an identifier as part of it',
      'SELECT 1 AS é$$; SELECT 2',
      ['SELECT 1 AS é$$', 'SELECT 2'],
    ],
    [
      'reads a $tag without a closing $ as no dollar quote',
      'SELECT $abc ; SELECT 1',
      ['SELECT $abc', 'SELECT 1'],
    ],
    [
      'ignores a semicolon in a quoted identifier with doubled quotes',
      'SELECT 1 AS "a;""b"; SELECT 2',
      ['SELECT 1 AS "a;""b"', 'SELECT 2'],
    ],
    [
      'ignores a semicolon in a U&"" identifier',
      'SELECT 1 AS U&"a;"; SELECT 2',
      ['SELECT 1 AS U&"a;"', 'SELECT 2'],
    ],
    [
      'ignores a semicolon in a string with doubled quotes',
      "SELECT 'it''s;'; SELECT 2",
      ["SELECT 'it''s;'", 'SELECT 2'],
    ],
    [
      'reads a backslash in a plain string literally',
      "SELECT 'a\\'; SELECT 2",
      ["SELECT 'a\\'", 'SELECT 2'],
    ],
    [
      'reads a backslash-escaped quote in an E string',
      "SELECT E'\\';'; SELECT 2",
      ["SELECT E'\\';'", 'SELECT 2'],
    ],
    ['reads a lower-case e prefix too', "SELECT e'\\';'; SELECT 2", ["SELECT e'\\';'", 'SELECT 2']],
    [
      'reads an escaped backslash before the closing quote of an E string',
      "SELECT E'\\\\'; SELECT 2",
      ["SELECT E'\\\\'", 'SELECT 2'],
    ],
    [
      'takes an e ending an identifier as no E prefix',
      "SELECT name'a\\'; SELECT 2",
      ["SELECT name'a\\'", 'SELECT 2'],
    ],
    [
      'continues an E string across a newline in E mode',
      "SELECT E'a'\n'\\''; SELECT 2",
      ["SELECT E'a'\n'\\''", 'SELECT 2'],
    ],
    [
      'continues a string across a line comment and newline',
      "SELECT E'a' -- it's\n  '\\''; SELECT 2",
      ["SELECT E'a' -- it's\n  '\\''", 'SELECT 2'],
    ],
    [
      'does not continue a string without a newline in between',
      "SELECT E'a' '\\''; SELECT 2",
      ["SELECT E'a' '\\''; SELECT 2"],
    ],
    [
      'reads U&, B and X strings',
      "SELECT U&'d\\0061t;', B'1;', X'1F;'; SELECT 2",
      ["SELECT U&'d\\0061t;', B'1;', X'1F;'", 'SELECT 2'],
    ],
  ];

  const comments: Case[] = [
    [
      'ignores a semicolon in a line comment',
      'SELECT 1 -- ; not here\n; SELECT 2',
      ['SELECT 1 -- ; not here', 'SELECT 2'],
    ],
    [
      'ends a line comment at a carriage return',
      'SELECT 1 -- c\r; SELECT 2',
      ['SELECT 1 -- c', 'SELECT 2'],
    ],
    [
      'ignores a semicolon in nested block comments',
      'SELECT 1 /* a /* b; */ c; */; SELECT 2',
      ['SELECT 1 /* a /* b; */ c; */', 'SELECT 2'],
    ],
    [
      'does not close a block comment with the slash that opened it',
      'SELECT 1 /*/ ; */; SELECT 2',
      ['SELECT 1 /*/ ; */', 'SELECT 2'],
    ],
    [
      'ignores quotes inside comments',
      'SELECT 1 /* \' */ -- "\n; SELECT 2',
      ['SELECT 1 /* \' */ -- "', 'SELECT 2'],
    ],
    [
      'ends an operator where a line comment starts',
      'SELECT 2 +-- c;\n 1; SELECT 2',
      ['SELECT 2 +-- c;\n 1', 'SELECT 2'],
    ],
    [
      'ends an operator where a block comment starts',
      'SELECT 4 */* c; */ 2; SELECT 2',
      ['SELECT 4 */* c; */ 2', 'SELECT 2'],
    ],
  ];

  const blocks: Case[] = [
    [
      'keeps a semicolon inside parentheses, as in CREATE RULE',
      'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1',
      [
        'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))',
        'SELECT 1',
      ],
    ],
    [
      'ignores a closing parenthesis that was never opened',
      'SELECT 1); SELECT 2',
      ['SELECT 1)', 'SELECT 2'],
    ],
    [
      'keeps a BEGIN ATOMIC body in its CREATE FUNCTION',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3',
      [
        'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END',
        'SELECT 3',
      ],
    ],
    [
      'counts CASE ... END inside a BEGIN ATOMIC body',
      'create or replace procedure p() begin /* c */ atomic select case when true then 1 end; select 2; end; select 3',
      [
        'create or replace procedure p() begin /* c */ atomic select case when true then 1 end; select 2; end',
        'select 3',
      ],
    ],
    [
      'balances CASE ... END inside parentheses in a BEGIN ATOMIC body',
      'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT (CASE WHEN true THEN 1 END); END; SELECT 2',
      [
        'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT (CASE WHEN true THEN 1 END); END',
        'SELECT 2',
      ],
    ],
    [
      'does not take a quoted "end" for the END of a BEGIN ATOMIC body',
      'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1 AS "end"; END; SELECT 2',
      ['CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1 AS "end"; END', 'SELECT 2'],
    ],
    [
      'does not open a block at a BEGIN not followed by ATOMIC',
      'CREATE FUNCTION begin() RETURNS int RETURN 1; SELECT 2',
      ['CREATE FUNCTION begin() RETURNS int RETURN 1', 'SELECT 2'],
    ],
    [
      'does not count CASE ... END outside a BEGIN ATOMIC body',
      'CREATE FUNCTION f(x int) RETURNS int RETURN CASE WHEN x > 0 THEN 1 END; SELECT 2',
      ['CREATE FUNCTION f(x int) RETURNS int RETURN CASE WHEN x > 0 THEN 1 END', 'SELECT 2'],
    ],
    [
      'splits BEGIN; ... END; outside CREATE FUNCTION',
      'BEGIN; SELECT 1; END;',
      ['BEGIN', 'SELECT 1', 'END'],
    ],
    [
      'does not look for BEGIN ATOMIC in other statements',
      'DO $$BEGIN END$$; SELECT 1 AS begin, 2 AS atomic; SELECT 3',
      ['DO $$BEGIN END$$', 'SELECT 1 AS begin, 2 AS atomic', 'SELECT 3'],
    ],
  ];

  const unterminated: Case[] = [
    [
      'runs an unterminated string to the end',
      "SELECT 1; SELECT 'abc; SELECT 2",
      ['SELECT 1', "SELECT 'abc; SELECT 2"],
    ],
    [
      'runs an unterminated E string ending in a backslash to the end',
      "SELECT E'\\",
      ["SELECT E'\\"],
    ],
    [
      'runs an unterminated dollar quote to the end',
      'SELECT $$ abc; SELECT 2;',
      ['SELECT $$ abc; SELECT 2;'],
    ],
    [
      'runs an unterminated quoted identifier to the end',
      'SELECT "abc; SELECT 2',
      ['SELECT "abc; SELECT 2'],
    ],
    [
      'keeps an unterminated block comment as a statement of its own',
      'SELECT 1; /* never; closed',
      ['SELECT 1', '/* never; closed'],
    ],
    ['runs an unbalanced parenthesis to the end', 'SELECT (1; SELECT 2', ['SELECT (1; SELECT 2']],
    [
      'runs a BEGIN ATOMIC body without END to the end',
      'CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; SELECT 2',
      ['CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; SELECT 2'],
    ],
  ];

  for (const [name, sql, expected] of [
    ...basics,
    ...quoting,
    ...comments,
    ...blocks,
    ...unterminated,
  ]) {
    it(name, () => expect(texts(sql)).to.deep.equal(expected));
  }

  const withoutStandardStrings: Case[] = [
    [
      'reads a backslash-escaped quote in a plain string when standard_conforming_strings is off',
      "SELECT 'a\\';'; SELECT 2",
      ["SELECT 'a\\';'", 'SELECT 2'],
    ],
    [
      'still reads backslashes in U&, B and X strings literally when it is off',
      "SELECT U&'\\', B'\\', X'\\'; SELECT 2",
      ["SELECT U&'\\', B'\\', X'\\'", 'SELECT 2'],
    ],
    [
      "starts a new string at a quote right after a B'' string",
      "SELECT B'1''\\''; SELECT 2",
      ["SELECT B'1''\\''", 'SELECT 2'],
    ],
  ];
  for (const [name, sql, expected] of withoutStandardStrings) {
    it(name, () => expect(texts(sql, false)).to.deep.equal(expected));
  }

  it('gives each statement the line of its first token and its offset in the script', () => {
    const sql = "\n\nSELECT 'a\nb';\n  -- c\n  /* d\n */ SELECT\n2;";
    const statements = splitStatements(sql);
    expect(statements).to.deep.equal([
      { text: "SELECT 'a\nb'", line: 3, offset: 2 },
      { text: 'SELECT\n2', line: 7, offset: sql.indexOf('SELECT\n2') },
    ]);
    for (const s of statements)
      expect(sql.slice(s.offset, s.offset + s.text.length)).to.equal(s.text);
  });

  it('counts a CRLF line ending as one line', () => {
    expect(splitStatements('SELECT 1;\r\n\r\nSELECT 2').map((s) => s.line)).to.deep.equal([1, 3]);
  });
});

describe('leadingWords', () => {
  const cases: Array<[string, string, number, string[]]> = [
    [
      'upper-cases keywords and skips comments',
      '/* c */ create -- x\n index concurrently i ON t (x)',
      3,
      ['CREATE', 'INDEX', 'CONCURRENTLY'],
    ],
    ['stops at the first token that is not a word', 'VACUUM (FULL) t', 5, ['VACUUM']],
    [
      'unquotes quoted identifiers and keeps their case',
      'ALTER TABLE "My""Table" DETACH',
      4,
      ['ALTER', 'TABLE', 'My"Table', 'DETACH'],
    ],
    ['gives at most n words', 'DROP INDEX CONCURRENTLY IF EXISTS i', 2, ['DROP', 'INDEX']],
    [
      'upper-cases ASCII letters only, as PostgreSQL folds identifiers',
      'select ı',
      2,
      ['SELECT', 'ı'],
    ],
    ['is empty for a statement of only comments', '-- nothing', 3, []],
  ];
  for (const [name, text, n, expected] of cases) {
    it(name, () => expect(leadingWords(text, n)).to.deep.equal(expected));
  }
});

describe('tokens', () => {
  it('tells words, quoted identifiers, strings, numbers, parameters and symbols apart', () => {
    expect(tokens('x "X" \'x\' 1.5e3 $1 >=')).to.deep.equal([
      { kind: 'word', value: 'X' },
      { kind: 'quoted', value: 'X' },
      { kind: 'string', value: 'x' },
      { kind: 'number', value: '1.5e3' },
      { kind: 'parameter', value: '$1' },
      { kind: 'symbol', value: '>=' },
    ]);
  });

  it("gives a string's characters with doubled quotes undone and escapes as written", () => {
    const values = tokens("'it''s' E'a\\'b' $q$ $$ $q$ 'a'\n'b' B'01'").map((t) => t.value);
    expect(values).to.deep.equal(["it's", "a\\'b", ' $$ ', 'ab', '01']);
  });

  it('stops after limit tokens', () => {
    expect(tokens('a b c d', 2)).to.have.length(2);
  });
});

describe('splitStatements following standard_conforming_strings', () => {
  const cases: [string, string, boolean, string[]][] = [
    [
      'reads backslash escapes in plain strings after SET ... = off',
      "SET standard_conforming_strings = off; SELECT 'it\\'s; done'; SELECT 2",
      true,
      ['SET standard_conforming_strings = off', "SELECT 'it\\'s; done'", 'SELECT 2'],
    ],
    [
      'reads them literally again after RESET',
      "SET standard_conforming_strings TO 'off'; RESET standard_conforming_strings; SELECT 'a\\'; SELECT 'b'",
      true,
      [
        "SET standard_conforming_strings TO 'off'",
        'RESET standard_conforming_strings',
        "SELECT 'a\\'",
        "SELECT 'b'",
      ],
    ],
    [
      'goes back to the option given, not to on, after SET ... DEFAULT',
      "SET standard_conforming_strings = on; SET standard_conforming_strings = DEFAULT; SELECT 'a\\'; b'",
      false,
      [
        'SET standard_conforming_strings = on',
        'SET standard_conforming_strings = DEFAULT',
        "SELECT 'a\\'; b'",
      ],
    ],
    [
      'does not follow a setting that is only inside a string',
      "SELECT 'SET standard_conforming_strings = off'; SELECT 'a\\'; SELECT 'b'",
      true,
      ["SELECT 'SET standard_conforming_strings = off'", "SELECT 'a\\'", "SELECT 'b'"],
    ],
  ];
  for (const [name, sql, scs, expected] of cases) {
    it(name, () => expect(texts(sql, scs)).to.deep.equal(expected));
  }
});

describe('standardConformingStringsChange', () => {
  const cases: [string, boolean | 'reset' | undefined][] = [
    ['SET standard_conforming_strings = off', false],
    ['set session STANDARD_CONFORMING_STRINGS to false', false],
    ["SET LOCAL standard_conforming_strings = '0'", false],
    ['SET standard_conforming_strings = on', true],
    ['SET standard_conforming_strings TO DEFAULT', 'reset'],
    ['RESET standard_conforming_strings', 'reset'],
    ['RESET ALL', 'reset'],
    ['RESET search_path', undefined],
    ['SET search_path = off', undefined],
    ['SELECT 1', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`${text} -> ${String(expected)}`, () =>
      expect(standardConformingStringsChange(text)).to.equal(expected));
  }
});
