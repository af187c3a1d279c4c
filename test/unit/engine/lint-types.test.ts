import { expect } from 'chai';
import { lintMigrations } from '../../../src/engine/lint.js';
import { parseMigration } from '../../../src/engine/source.js';
import { TYPE_CHANGES } from '../../support/type-change-cases.js';

const files = (...sqls: string[]) =>
  sqls.map((content, k) => parseMigration({ name: `00${k + 1}_x.sql`, content }));

describe('lint alter-column-type', () => {
  for (const { from, to, rewrites } of TYPE_CHANGES) {
    it(`${rewrites ? 'flags' : 'accepts'} ${from} -> ${to} on a table of an earlier file`, () => {
      const findings = lintMigrations(
        files(`CREATE TABLE t (id int, c ${from});`, `ALTER TABLE t ALTER COLUMN c TYPE ${to};`),
      );
      expect(findings.map((f) => [f.rule, f.rewrites])).to.deep.equal(
        rewrites ? [['alter-column-type', true]] : [],
      );
    });
  }

  it('reports a change of a column whose old type is unknown, without a rewrite verdict', () => {
    const [f, ...rest] = lintMigrations(files('ALTER TABLE t ALTER c TYPE varchar(20);'));
    expect(rest).to.deep.equal([]);
    expect(f).to.include({ rule: 'alter-column-type', lock: 'ACCESS EXCLUSIVE', table: 't' });
    expect(f!.rewrites).to.equal(undefined);
    expect(f!.message).to.match(/not known/);
  });

  it('follows ADD COLUMN, RENAME COLUMN, RENAME TO and earlier type changes', () => {
    const findings = lintMigrations(
      files(
        'CREATE TABLE a (id int);',
        'ALTER TABLE a ADD COLUMN n varchar(10);',
        'ALTER TABLE a RENAME COLUMN n TO name;',
        'ALTER TABLE a RENAME TO b;',
        'ALTER TABLE public.b ALTER COLUMN name TYPE varchar(50);',
        'ALTER TABLE b ALTER COLUMN name TYPE varchar(40);',
      ),
    );
    expect(findings.map((f) => [f.file, f.rewrites, f.table])).to.deep.equal([
      ['006_x.sql', true, 'b'],
    ]);
  });

  it('forgets a dropped table', () => {
    const findings = lintMigrations(
      files('CREATE TABLE t (c varchar(10));', 'DROP TABLE t;', 'ALTER TABLE t ALTER c TYPE text;'),
    );
    expect(findings.map((f) => f.rewrites)).to.deep.equal([undefined]);
  });

  it('cannot tell for a domain or enum unless USING computes something', () => {
    const findings = lintMigrations(
      files('CREATE TABLE t (c text);', 'ALTER TABLE t ALTER c TYPE mood USING lower(c)::mood;'),
    );
    expect(findings.map((f) => [f.rule, f.rewrites])).to.deep.equal([['alter-column-type', true]]);
    const plain = lintMigrations(
      files('CREATE TABLE t (c text);', 'ALTER TABLE t ALTER c TYPE mood;'),
    );
    expect(plain.map((f) => [f.rule, f.rewrites])).to.deep.equal([
      ['alter-column-type', undefined],
    ]);
  });
});
