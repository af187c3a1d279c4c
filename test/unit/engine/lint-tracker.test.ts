import { expect } from 'chai';
import { typeText } from '../../../src/engine/lint-types.js';
import { TypeTracker } from '../../../src/engine/lint-tracker.js';
import { tokens } from '../../../src/engine/splitter.js';

const follow = (...sqls: string[]) => {
  const tracker = new TypeTracker();
  for (const sql of sqls) tracker.observe(tokens(sql));
  return (table: string, column: string) => {
    const t = tracker.columnType(table, column);
    return t && typeText(t);
  };
};

describe('lint type tracker', () => {
  it('reads column types from CREATE TABLE, skipping constraints', () => {
    const type = follow(
      'CREATE TABLE public.t (id bigint PRIMARY KEY, n character varying(10) NOT NULL, p numeric(10, 2), at timestamp(3) with time zone, tags text[], CONSTRAINT c CHECK (p > 0))',
    );
    expect([
      type('T', 'ID'),
      type('T', 'N'),
      type('T', 'P'),
      type('T', 'AT'),
      type('T', 'TAGS'),
    ]).to.deep.equal(['int8', 'varchar(10)', 'numeric(10,2)', 'timestamptz(3)', 'text[]']);
    expect(type('T', 'C')).to.equal(undefined);
  });

  it('keeps the first definition when CREATE TABLE IF NOT EXISTS finds the table', () => {
    const type = follow('CREATE TABLE t (a int)', 'CREATE TABLE IF NOT EXISTS t (a text)');
    expect(type('T', 'A')).to.equal('int4');
    const added = follow('CREATE TABLE t (a int)', 'ALTER TABLE t ADD COLUMN IF NOT EXISTS a text');
    expect(added('T', 'A')).to.equal('int4');
  });

  it('follows ADD, ALTER TYPE, RENAME and DROP of columns and tables', () => {
    const type = follow(
      'CREATE TABLE t (a int, b text)',
      'ALTER TABLE t ADD COLUMN IF NOT EXISTS c varchar(5), ALTER COLUMN a SET DATA TYPE bigint',
      'ALTER TABLE t RENAME b TO bb',
      'ALTER TABLE t DROP COLUMN IF EXISTS c',
      'ALTER TABLE ONLY t RENAME TO u',
    );
    expect([
      type('U', 'A'),
      type('U', 'BB'),
      type('U', 'B'),
      type('U', 'C'),
      type('T', 'A'),
    ]).to.deep.equal(['int8', 'text', undefined, undefined, undefined]);
    expect(follow('CREATE TABLE t (a int)', 'DROP TABLE IF EXISTS x, t')('T', 'A')).to.equal(
      undefined,
    );
  });
});
