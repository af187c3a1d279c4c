import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../../../src/cli/exit-codes.js';
import { createMigrationFile } from '../../../src/cli/new-file.js';
import { parseMigration } from '../../../src/engine/source.js';
import { migrationDir } from '../../support/files.js';

const NOW = new Date('2026-12-07T12:00:05Z');

describe('new: the migration file', () => {
  it('creates the next file after the highest and returns its path', () => {
    const dir = migrationDir({ '009_a.sql': 'SELECT 1;', '010_b.sql': 'SELECT 1;' });
    const path = createMigrationFile({ dir, name: 'add_users', now: NOW });
    expect(path).to.equal(join(dir, '011_add_users.sql'));
  });

  it('makes a missing directory and starts at 001', () => {
    const dir = join(migrationDir({}), 'not', 'yet');
    expect(basename(createMigrationFile({ dir, name: 'init', now: NOW }))).to.equal('001_init.sql');
  });

  it('ignores files that are not migrations when counting', () => {
    const dir = migrationDir({ '002_a.sql': 'SELECT 1;', 'README.md': '', '900.txt': '' });
    expect(basename(createMigrationFile({ dir, name: 'b', now: NOW }))).to.equal('003_b.sql');
  });

  it('writes a file the engine reads with default directives and no statement yet', () => {
    const path = createMigrationFile({ dir: migrationDir({}), name: 'x', now: NOW });
    const m = parseMigration(
      { name: basename(path), content: readFileSync(path) },
      { validate: false },
    );
    expect(m.statements).to.deep.equal([]);
    expect(m).to.include({ transactional: true, contract: false });
    expect(m.lockTimeoutMs).to.equal(undefined);
  });

  it('shows every directive so that uncommenting its line turns it on', () => {
    const path = createMigrationFile({ dir: migrationDir({}), name: 'x', now: NOW });
    const text = readFileSync(path, 'utf8')
      .replaceAll('-- -- schema-operator:', '-- schema-operator:')
      .concat('ALTER TABLE t DROP COLUMN c;\n');
    const m = parseMigration({ name: basename(path), content: text });
    expect(m).to.include({
      transactional: false,
      contract: true,
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 1_800_000,
    });
  });

  for (const name of ['', 'a b', 'x/y', '../x', '..', '.hidden', '-flag', 'naïve', 'a\nb']) {
    it(`refuses the name ${JSON.stringify(name)} and writes nothing`, () => {
      const dir = migrationDir({ '001_a.sql': 'SELECT 1;' });
      expect(() => createMigrationFile({ dir, name, now: NOW })).to.throw(
        UsageError,
        /cannot be part of a migration file name/,
      );
      expect(readdirSync(dir)).to.deep.equal(['001_a.sql']);
    });
  }

  it('accepts what the engine accepts: capitals, digits, dots and dashes', () => {
    const dir = migrationDir({});
    expect(basename(createMigrationFile({ dir, name: 'Add-v2.users', now: NOW }))).to.equal(
      '001_Add-v2.users.sql',
    );
  });

  it('refuses a name too long for a file', () => {
    expect(() =>
      createMigrationFile({ dir: migrationDir({}), name: 'a'.repeat(260), now: NOW }),
    ).to.throw(UsageError, /too long/);
  });

  it('refuses a timestamp in a directory numbered in sequence', () => {
    const dir = migrationDir({ '010_a.sql': 'SELECT 1;' });
    expect(() => createMigrationFile({ dir, name: 'b', now: NOW, timestamp: true })).to.throw(
      UsageError,
      /mix two styles/,
    );
  });

  it('never overwrites: a file of that name made meanwhile stays as it was', () => {
    const dir = migrationDir({
      '001_a.sql': 'SELECT 1;',
      '002_b.sql': 'CREATE TABLE kept (id int);',
    });
    const stale = () => ['001_a.sql'];
    expect(() => createMigrationFile({ dir, name: 'b', now: NOW, list: stale })).to.throw(
      UsageError,
      /002_b\.sql already exists; nothing was written/,
    );
    expect(readFileSync(join(dir, '002_b.sql'), 'utf8')).to.equal('CREATE TABLE kept (id int);');
  });

  it('withdraws when a file of the same version was made meanwhile under another name', () => {
    const dir = migrationDir({ '001_a.sql': 'SELECT 1;', '2_c.sql': 'SELECT 2;' });
    const stale = () => ['001_a.sql'];
    expect(() => createMigrationFile({ dir, name: 'b', now: NOW, list: stale })).to.throw(
      UsageError,
      /2_c\.sql has version 002 too/,
    );
    expect(readdirSync(dir).sort()).to.deep.equal(['001_a.sql', '2_c.sql']);
  });
});
