import { expect } from 'chai';
import { InvalidSourceError } from '../../../src/engine/errors.js';
import { parseMigration, parseMigrations } from '../../../src/engine/source.js';

const file = (name: string, content: string | Uint8Array = 'SELECT 1;') => ({ name, content });

describe('migration sources', () => {
  it('read version and name from <version>_<name>.sql', () => {
    const m = parseMigration(file('1.2_add_users-table.sql'));
    expect([m.version, m.name, m.transactional]).to.deep.equal(['1.2', 'add_users-table', true]);
  });

  it('sort by numeric version, 1.9 before 1.10', () => {
    const ms = parseMigrations([file('1.10_b.sql'), file('1.9_a.sql'), file('2_c.sql')]);
    expect(ms.map((m) => m.version)).to.deep.equal(['1.9', '1.10', '2']);
  });

  it('refuse two files with the same version, naming both', () => {
    expect(() => parseMigrations([file('001_a.sql'), file('1_b.sql')])).to.throw(
      InvalidSourceError,
      /duplicate version 1: 001_a\.sql and 1_b\.sql/,
    );
  });

  for (const bad of [
    'init.sql',
    '001-init.sql',
    '001_.sql',
    'v1_init.sql',
    '001_init.SQL',
    '001_in it.sql',
    '1._x.sql',
  ]) {
    it(`refuse the file name ${bad}`, () =>
      expect(() => parseMigration(file(bad))).to.throw(
        InvalidSourceError,
        /bad migration file name/,
      ));
  }

  it('refuse a file that is not UTF-8, naming it', () => {
    const latin1 = Uint8Array.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xe9, 0x27]);
    expect(() =>
      parseMigration({ ...file('003_x.sql', latin1), origin: 'migrations/003_x.sql' }),
    ).to.throw(InvalidSourceError, /^migrations\/003_x\.sql: not valid UTF-8$/);
  });

  for (const [what, content] of [
    ['empty', ''],
    ['only blank', '  \n\n'],
    ['only comments', '-- nothing yet\n/* later */'],
  ]) {
    it(`refuse a file that is ${what}`, () =>
      expect(() => parseMigration(file('004_x.sql', content!))).to.throw(
        InvalidSourceError,
        /has no SQL statements/,
      ));
  }

  it('refuse CREATE INDEX CONCURRENTLY in a transactional file, with the line', () => {
    const sql = 'CREATE TABLE t (id int);\n\nCREATE INDEX CONCURRENTLY t_id ON t (id);';
    expect(() => parseMigration(file('005_x.sql', sql))).to.throw(
      InvalidSourceError,
      /^005_x\.sql:3: CREATE INDEX CONCURRENTLY cannot run inside a transaction/,
    );
  });

  it('refuse transaction control in a no-transaction file, naming file and line', () => {
    for (const stmt of [
      'BEGIN',
      'COMMIT',
      'ROLLBACK',
      'SAVEPOINT s',
      'RELEASE s',
      'START TRANSACTION',
    ]) {
      const sql = `-- schema-operator: no-transaction\nCREATE TABLE t (id int);\n${stmt};`;
      expect(() => parseMigration(file('1_tx.sql', sql)), stmt)
        .to.throw(InvalidSourceError, '1_tx.sql:3: transaction control')
        .with.property('line', 3);
    }
  });

  it('refuse a cursor without WITH HOLD in a no-transaction file, and accept one with it', () => {
    const notx = '-- schema-operator: no-transaction\n';
    expect(() => parseMigration(file('1_c.sql', `${notx}DECLARE c CURSOR FOR SELECT 1;`))).to.throw(
      InvalidSourceError,
      '1_c.sql:2: a cursor without WITH HOLD',
    );
    const held = parseMigration(file('1_c.sql', `${notx}DECLARE c CURSOR WITH HOLD FOR SELECT 1;`));
    expect(held.transactional).to.equal(false);
  });

  it('accept CREATE INDEX CONCURRENTLY in a no-transaction file', () => {
    const sql = '-- schema-operator: no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);';
    expect(parseMigration(file('005_x.sql', sql)).transactional).to.equal(false);
  });

  it('refuse COMMIT in a transactional file', () => {
    expect(() => parseMigration(file('006_x.sql', 'SELECT 1;\nCOMMIT;'))).to.throw(
      /^006_x\.sql:2: transaction control/,
    );
  });

  it('give the same checksum to CRLF and LF copies of a file', () => {
    const a = parseMigration(file('001_a.sql', 'SELECT 1;\nSELECT 2;\n'));
    const b = parseMigration(file('001_a.sql', 'SELECT 1;\r\nSELECT 2;  \r\n'));
    expect(a.checksum).to.equal(b.checksum);
  });
});
