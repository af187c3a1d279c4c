/**
 * The worked example of docs/expand-contract.md, taken from the page itself
 * (its ```sql blocks after the directive's own), run on the bundled
 * StreamSpace schema: old and new code both work between expand and
 * contract, the contract is held, then runs.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/api/index.js';
import {
  bundledDir,
  migrate,
  parseMigration,
  readMigrationDir,
  type Migration,
} from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';

/** The ```sql blocks of the page, in order. */
function sqlBlocks(page: string): string[] {
  return [...page.matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

describe('the expand/contract example of docs/expand-contract.md on the bundled schema', function () {
  this.timeout(60_000);
  const page = readFileSync(join(packageRoot(), 'docs', 'expand-contract.md'), 'utf8');
  const [directive, expand, contract] = sqlBlocks(page);

  it('has the directive, the expand file and the contract file, in that order', () => {
    expect(directive!.trim()).to.equal('-- schema-operator: contract');
    expect(expand).to.include('ADD COLUMN IF NOT EXISTS display_name');
    expect(contract!.startsWith('-- schema-operator: contract\n')).to.equal(true);
  });

  it('keeps old and new writers in sync, holds the contract, then drops full_name', async () => {
    const url = await freshDatabase(18);
    const migrations: Migration[] = [
      ...(await readMigrationDir(bundledDir('streamspace'))),
      parseMigration({ name: '011_add_users_display_name.sql', content: expand! }),
      parseMigration({ name: '012_drop_users_full_name.sql', content: contract! }),
    ];
    expect(migrations.at(-1)!.contract).to.equal(true);
    const held = await migrate({ url, migrations, holdContract: () => true });
    expect(held.plan.held.map((m) => m.version)).to.deep.equal(['012']);
    expect(held.applied.at(-1)?.version).to.equal('011');

    // Old code writes full_name, new code display_name; both read what the other wrote.
    await query(url, `INSERT INTO users (id, username, email, full_name) VALUES ('u1', 'ada', 'a@x', 'Ada')`);
    await query(url, `INSERT INTO users (id, username, email, display_name) VALUES ('u2', 'bob', 'b@x', 'Bob')`);
    await query(url, `UPDATE users SET full_name = 'Ada L' WHERE id = 'u1'`);
    await query(url, `UPDATE users SET display_name = 'Bob B' WHERE id = 'u2'`);
    expect(
      await query(url, `SELECT id, full_name, display_name FROM users WHERE id IN ('u1', 'u2') ORDER BY id`),
    ).to.deep.equal([
      { id: 'u1', full_name: 'Ada L', display_name: 'Ada L' },
      { id: 'u2', full_name: 'Bob B', display_name: 'Bob B' },
    ]);

    const done = await migrate({ url, migrations, holdContract: () => false });
    expect(done.applied.map((a) => a.version)).to.deep.equal(['012']);
    const columns = await query<{ c: string }>(
      url,
      `SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'users' AND column_name IN ('full_name', 'display_name')`,
    );
    expect(columns.map((r) => r.c)).to.deep.equal(['display_name']);
  });
});
