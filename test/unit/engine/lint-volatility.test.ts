import { expect } from 'chai';
import { lintMigrations } from '../../../src/engine/lint.js';
import { defaultVolatility, type Volatility } from '../../../src/engine/lint-volatility.js';
import { parseMigration } from '../../../src/engine/source.js';
import { tokens } from '../../../src/engine/splitter.js';

const add = (column: string, volatility?: Map<string, Volatility>) =>
  lintMigrations(
    [parseMigration({ name: '001_x.sql', content: `ALTER TABLE t ADD COLUMN ${column};` })],
    { volatility },
  ).map((f) => [f.rule, f.rewrites]);

describe('lint volatile-default', () => {
  const cases: Array<[string, unknown[]]> = [
    ['u uuid DEFAULT gen_random_uuid()', [['volatile-default', true]]],
    ['r float8 DEFAULT random() NOT NULL', [['volatile-default', true]]],
    ['t timestamptz DEFAULT clock_timestamp()', [['volatile-default', true]]],
    ["n int DEFAULT nextval('s')", [['volatile-default', true]]],
    ['s bigserial', [['volatile-default', true]]],
    ['i int GENERATED ALWAYS AS IDENTITY', [['volatile-default', true]]],
    ['g int GENERATED ALWAYS AS (1) STORED', [['volatile-default', true]]],
    ['v int GENERATED ALWAYS AS (1) VIRTUAL', []],
    ['t timestamptz DEFAULT now()', []],
    ['t timestamptz DEFAULT CURRENT_TIMESTAMP', []],
    ["p text DEFAULT 'vnc'", []],
    ["v varchar(10) DEFAULT 'x'::varchar(10)", []],
    ["j jsonb DEFAULT '{}'::jsonb NOT NULL", []],
    ["l text DEFAULT lower('X') CHECK (length(l) > 0)", [['check-not-valid', false]]],
    ['c text DEFAULT my_code()', [['volatile-default', undefined]]],
  ];
  for (const [column, expected] of cases) {
    it(`judges ADD COLUMN ${column}`, () => expect(add(column)).to.deep.equal(expected));
  }

  it('takes the volatility of user functions from the database when given', () => {
    expect(add('c text DEFAULT my_code()', new Map([['my_code', 'v']]))).to.deep.equal([
      ['volatile-default', true],
    ]);
    expect(add('c text DEFAULT my_code()', new Map([['my_code', 's']]))).to.deep.equal([]);
  });

  it('names the first volatile function, or else the first unknown one', () => {
    const v = (sql: string) => defaultVolatility(tokens(sql));
    expect(v('f(g(random()))')).to.deep.equal({ verdict: 'volatile', fn: 'random' });
    expect(v('coalesce(f(), now())')).to.deep.equal({ verdict: 'unknown', fn: 'f' });
    expect(v("'x'")).to.equal(null);
  });
});
