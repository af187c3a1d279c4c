import { expect } from 'chai';
import pg from 'pg';
import { migrate, planHash, readMigrationDir, type Plan } from '../../../src/engine/index.js';
import { tableSizes } from '../../../src/engine/table-size.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

describe('the approve hook of a run', () => {
  const major = MAJORS[0]!;
  let url: string;
  beforeEach(async () => (url = await freshDatabase(major)));

  const files = {
    '001_a.sql': 'CREATE TABLE a (id int);',
    '002_b.sql': 'CREATE TABLE b (id int);',
  };

  it('stops before any file, and before the ledger exists, when it says no', async () => {
    const migrations = await readMigrationDir(migrationDir(files));
    let asked: Plan | undefined;
    const started: string[] = [];
    const result = await migrate(
      { url, migrations, approve: (p) => ((asked = p), false) },
      { onStart: (m) => void started.push(m.version) },
    );
    expect(result.awaitingApproval).to.equal(true);
    expect(result.applied).to.deep.equal([]);
    expect(started).to.deep.equal([]);
    expect(asked!.pending.map((m) => m.version)).to.deep.equal(['001', '002']);
    expect(
      await query(url, `SELECT to_regclass('a') AS a, to_regclass('schema_migrations') AS l`),
    ).to.deep.equal([{ a: null, l: null }]);
  });

  it('runs exactly the plan it approved, and is not asked for an empty plan', async () => {
    const migrations = await readMigrationDir(migrationDir(files));
    const hashes: string[] = [];
    const result = await migrate({
      url,
      migrations,
      approve: (p) => (hashes.push(planHash(p)), true),
    });
    expect(result.awaitingApproval).to.equal(undefined);
    expect(result.applied.map((m) => m.version)).to.deep.equal(['001', '002']);
    await migrate({ url, migrations, approve: () => expect.fail('asked for an empty plan') });
    expect(hashes).to.have.length(1);
  });

  it('gives the hook the estimated rows and size of existing tables', async () => {
    const migrations = await readMigrationDir(migrationDir({ '001_a.sql': files['001_a.sql'] }));
    await query(url, 'CREATE SCHEMA app');
    await query(url, 'CREATE TABLE app.big AS SELECT g AS id FROM generate_series(1, 5000) g');
    await query(url, 'ANALYZE app.big');
    let sizes: Awaited<ReturnType<typeof tableSizes>> | undefined;
    await migrate({
      url,
      migrations,
      adoptExisting: true,
      approve: async (_p, db) => {
        sizes = await db.tableSizes(['app.big', 'app.big', 'app.missing']);
        return false;
      },
    });
    expect([...sizes!.keys()]).to.deep.equal(['app.big']);
    const big = sizes!.get('app.big')!;
    expect(big.estimatedRows).to.equal(5000);
    const [{ bytes }] = (await query(
      url,
      `SELECT pg_total_relation_size('app.big')::text AS bytes`,
    )) as [{ bytes: string }];
    expect(big.sizeBytes).to.equal(Number(bytes));
  });

  it('reports no row estimate for a table never analyzed', async () => {
    await query(url, 'CREATE TABLE fresh (id int)');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const sizes = await tableSizes(c, ['fresh']);
      const fresh = sizes.get('fresh')!;
      // PostgreSQL 14 on says -1 (never analyzed); older ones 0.
      expect([null, 0]).to.include(fresh.estimatedRows);
      expect(fresh.sizeBytes).to.be.a('number');
    } finally {
      await c.end();
    }
  });
});
