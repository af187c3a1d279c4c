import { expect } from 'chai';
import { migrate, readMigrationDir, type Migration } from '../../../src/engine/index.js';
import { migrationDir } from '../../support/files.js';
import { freshDatabase, query } from '../../support/pg.js';

/** The rename-column example of docs/expand-contract.md. */
const FILES = {
  '004_users.sql':
    "CREATE TABLE users (id int PRIMARY KEY, fullname text);\nINSERT INTO users VALUES (1, 'Ada');",
  '005_add_display_name.sql': [
    'ALTER TABLE users ADD COLUMN display_name text;',
    'UPDATE users SET display_name = fullname;',
    'CREATE FUNCTION users_sync_names() RETURNS trigger LANGUAGE plpgsql AS $$',
    'BEGIN',
    '  NEW.display_name := coalesce(NEW.display_name, NEW.fullname);',
    '  NEW.fullname := coalesce(NEW.fullname, NEW.display_name);',
    '  RETURN NEW;',
    'END $$;',
    'CREATE TRIGGER users_sync_names BEFORE INSERT OR UPDATE ON users',
    '  FOR EACH ROW EXECUTE FUNCTION users_sync_names();',
  ].join('\n'),
  '006_drop_fullname.sql': [
    '-- schema-operator: contract',
    'DROP TRIGGER users_sync_names ON users;',
    'DROP FUNCTION users_sync_names();',
    'ALTER TABLE users DROP COLUMN fullname;',
  ].join('\n'),
  '007_index_display_name.sql': 'CREATE INDEX users_display_name ON users (display_name);',
};

describe('migrate with a held contract migration (PostgreSQL 18)', () => {
  let url: string;
  beforeEach(async () => (url = await freshDatabase(18)));
  const ledger = async () =>
    (
      await query<{ version: string }>(
        url,
        'SELECT version FROM schema_operator_history ORDER BY installed_rank',
      )
    ).map((r) => r.version);
  const columns = async () =>
    (
      await query<{ c: string }>(
        url,
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'users' ORDER BY 1`,
      )
    ).map((r) => r.c);

  it('applies what comes before the contract and nothing from it on, asking with the version before it', async () => {
    const migrations = await readMigrationDir(migrationDir(FILES));
    const asked: Array<[string, string | null]> = [];
    const holdContract = (m: Migration, previous: string | null) => {
      asked.push([m.version, previous]);
      return true;
    };
    const r = await migrate({ url, migrations, holdContract });
    expect(r.applied.map((a) => a.version)).to.deep.equal(['004', '005']);
    expect(r.plan.held.map((m) => m.version)).to.deep.equal(['006', '007']);
    expect(asked).to.deep.equal([['006', '005']]);
    expect(await ledger()).to.deep.equal(['004', '005']);
    expect(await columns()).to.deep.equal(['display_name', 'fullname', 'id']);

    // Old code writes fullname only, new code display_name only: the trigger keeps both.
    await query(url, `INSERT INTO users (id, fullname) VALUES (2, 'Grace')`);
    await query(url, `INSERT INTO users (id, display_name) VALUES (3, 'Edsger')`);
    const rows = await query(url, 'SELECT id, fullname, display_name FROM users ORDER BY id');
    expect(rows).to.deep.equal([
      { id: 1, fullname: 'Ada', display_name: 'Ada' },
      { id: 2, fullname: 'Grace', display_name: 'Grace' },
      { id: 3, fullname: 'Edsger', display_name: 'Edsger' },
    ]);

    const again = await migrate({ url, migrations, holdContract: () => true });
    expect(again.applied).to.deep.equal([]);
    const released = await migrate({ url, migrations, holdContract: () => false });
    expect(released.applied.map((a) => a.version)).to.deep.equal(['006', '007']);
    expect(await ledger()).to.deep.equal(['004', '005', '006', '007']);
    expect(await columns()).to.deep.equal(['display_name', 'id']);
  });

  it('keeps a contract above the target out without asking', async () => {
    const migrations = await readMigrationDir(migrationDir(FILES));
    let asked = 0;
    const r = await migrate({ url, migrations, target: '005', holdContract: () => !!++asked });
    expect(r.applied.map((a) => a.version)).to.deep.equal(['004', '005']);
    expect(r.plan.held).to.deep.equal([]);
    expect(asked).to.equal(0);
  });
});
