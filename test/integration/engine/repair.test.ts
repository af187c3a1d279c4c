import { expect } from 'chai';
import {
  ChecksumMismatchError,
  RepairRefusedError,
  inspect,
  migrate,
  readMigrationDir,
  repair,
  type RepairRecord,
  type RunOptions,
} from '../../../src/engine/index.js';
import { migrationDir, writeFiles } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

const noSleep = async () => undefined;
const major = MAJORS.at(-1)!;

/** The DDL of a ledger made before the statements checksum existed. */
const OLD_LEDGER = `
  CREATE TABLE schema_operator_history (
    installed_rank integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version text NOT NULL UNIQUE, name text NOT NULL, checksum text NOT NULL,
    kind text NOT NULL DEFAULT 'migration', transactional boolean NOT NULL,
    out_of_order boolean NOT NULL DEFAULT false, applied_by text NOT NULL,
    started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    execution_ms integer NOT NULL)`;

describe(`comments-only edits and repair on PostgreSQL ${major}`, () => {
  let url: string;
  beforeEach(async () => (url = await freshDatabase(major)));
  const run = async (dir: string, o: Partial<RunOptions> = {}) =>
    migrate({ url, migrations: await readMigrationDir(dir), sleep: noSleep, ...o });
  const fix = async (dir: string, version: string, reason = 'hotfix was applied by hand') =>
    repair({ url, migrations: await readMigrationDir(dir) }, { version, reason, by: 'ann@laptop' });
  const ledger = () =>
    query<{ version: string; checksum: string; statements_checksum: string | null }>(
      url,
      'SELECT version, checksum, statements_checksum FROM schema_operator_history ORDER BY installed_rank',
    );
  /** The repairs table's rows; null while no repair has made it. */
  const repairs = async () => {
    const [made] = await query<{ r: string | null }>(
      url,
      "SELECT to_regclass('schema_operator_repairs') AS r",
    );
    if (!made?.r) return null;
    return query<{ version: string; old_checksum: string; new_checksum: string; reason: string }>(
      url,
      'SELECT * FROM schema_operator_repairs ORDER BY id',
    );
  };
  const twoFiles = () =>
    migrationDir({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '002_b.sql': 'CREATE TABLE b (id int DEFAULT 1);\nINSERT INTO a VALUES (1);',
    });

  it('records the statements checksum of every file it applies, no-transaction ones too', async () => {
    const dir = twoFiles();
    writeFiles(dir, {
      '003_c.sql': '-- schema-operator: no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);',
    });
    await run(dir);
    const rows = await ledger();
    expect(rows.map((r) => r.statements_checksum)).to.satisfy((s: string[]) =>
      s.every((x) => /^v1:sha256:[0-9a-f]{64}$/.test(x)),
    );
  });

  it('does not fail on an applied file edited in comments only, and keeps what ran', async () => {
    const dir = twoFiles();
    await run(dir);
    const before = await ledger();
    writeFiles(dir, {
      '002_b.sql':
        '-- b holds the defaults\nCREATE TABLE b (\n  id int DEFAULT 1 -- one\n);\n\nINSERT INTO a VALUES (1);\n',
    });
    const result = await run(dir);
    expect(result.plan.changed).to.deep.equal([]);
    expect(result.plan.commentsOnly.map((c) => c.version)).to.deep.equal(['002']);
    expect(await ledger()).to.deep.equal(before);
  });

  it('fails on a real edit and says how to repair it', async () => {
    const dir = twoFiles();
    await run(dir);
    writeFiles(dir, {
      '002_b.sql': 'CREATE TABLE b (id int DEFAULT 2);\nINSERT INTO a VALUES (1);',
    });
    const err = await run(dir).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ChecksumMismatchError);
    expect((err as Error).message).to.match(/schema-operator repair --version 002/);
    expect((err as Error).message).to.match(/schema\.streamspace\.io\/repair=002:sha256:/);
  });

  it('repairs: the ledger takes the file checksums, the history keeps the old ones, and the run goes on', async () => {
    const dir = twoFiles();
    await run(dir);
    const [, old] = await ledger();
    writeFiles(dir, {
      '002_b.sql': 'CREATE TABLE b (id int DEFAULT 2);\nINSERT INTO a VALUES (1);',
    });
    const out = await fix(dir, '2');
    const file = (await readMigrationDir(dir))[1]!;
    expect(out.repaired).to.include({
      version: '002',
      oldChecksum: old!.checksum,
      newChecksum: file.checksum,
      oldStatementsChecksum: old!.statements_checksum,
      newStatementsChecksum: file.statementsChecksum,
      repairedBy: 'ann@laptop',
      reason: 'hotfix was applied by hand',
    });
    expect((await ledger())[1]).to.include({ checksum: file.checksum });
    expect(await repairs()).to.have.length(1);
    expect((await run(dir)).plan.changed).to.deep.equal([]);
  });

  it('writes nothing for a version whose checksums already agree (idempotent)', async () => {
    const dir = twoFiles();
    await run(dir);
    writeFiles(dir, { '001_a.sql': 'CREATE TABLE a (id bigint);' });
    expect((await fix(dir, '001')).repaired).to.not.equal(null);
    expect((await fix(dir, '001')).repaired).to.equal(null);
    expect(await repairs()).to.have.length(1);
  });

  for (const c of [
    { what: 'without a reason', version: '001', reason: '  ', why: /a reason is required/ },
    {
      what: 'of a version not in the directory',
      version: '009',
      reason: 'x',
      why: /no file of version 009/,
    },
    {
      what: 'of a version never applied',
      version: '003',
      reason: 'x',
      why: /003 is not in the ledger/,
    },
  ]) {
    it(`refuses a repair ${c.what}, writing nothing`, async () => {
      const dir = twoFiles();
      await run(dir);
      writeFiles(dir, { '003_c.sql': 'SELECT 1;' });
      const err = await fix(dir, c.version, c.reason).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RepairRefusedError);
      expect((err as Error).message).to.match(c.why);
      expect(await repairs()).to.equal(null);
    });
  }

  it('refuses to repair the baseline row', async () => {
    const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);', '002_b.sql': 'SELECT 1;' });
    await query(url, 'CREATE TABLE legacy (id int)');
    await run(dir, { baseline: '001' });
    const err = await fix(dir, '001').catch((e: unknown) => e);
    expect((err as Error).message).to.match(/baseline/);
  });

  it('treats a row written before the statements checksum as a real edit until repaired, then adds what it needs', async () => {
    await query(url, OLD_LEDGER);
    const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
    const [a] = await readMigrationDir(dir);
    await query(url, 'CREATE TABLE a (id int)');
    await query(
      url,
      `INSERT INTO schema_operator_history (version, name, checksum, transactional, applied_by, started_at, execution_ms)
       VALUES ('001', 'a', '${a!.checksum}', true, 'old', now(), 1)`,
    );
    writeFiles(dir, { '001_a.sql': '-- comment\nCREATE TABLE a (id int);' });
    // Read-only commands read the old ledger as it is: no column, no repairs table, no DDL.
    const seen = await inspect({ url, migrations: await readMigrationDir(dir) });
    expect(seen.ledger?.map((r) => r.statementsChecksum)).to.deep.equal([null]);
    expect(seen.repairs).to.deep.equal([]);
    expect(seen.plan.changed.map((c) => c.version)).to.deep.equal(['001']);
    expect(await run(dir).catch((e: unknown) => e)).to.be.instanceOf(ChecksumMismatchError);
    await fix(dir, '001');
    writeFiles(dir, { '002_b.sql': 'CREATE TABLE b (id int);' });
    const result = await run(dir);
    expect(result.applied.map((x) => x.version)).to.deep.equal(['002']);
    expect((await ledger()).map((r) => r.statements_checksum === null)).to.deep.equal([
      false,
      false,
    ]);
  });

  it('a run makes the repair its options ask for, when the file has the checksum named', async () => {
    const dir = twoFiles();
    await run(dir);
    writeFiles(dir, {
      '002_b.sql': 'CREATE TABLE b (id int DEFAULT 2);\nINSERT INTO a VALUES (1);',
    });
    const sum = (await readMigrationDir(dir))[1]!.checksum;
    const seen: RepairRecord[] = [];
    const req = { version: '002', reason: 'r', by: 'SchemaMigration ns/x', expectChecksum: sum };
    const result = await migrate(
      { url, migrations: await readMigrationDir(dir), repairs: [req] },
      { onRepaired: (r) => seen.push(r) },
    );
    expect(result.repaired?.map((r) => r.version)).to.deep.equal(['002']);
    expect(seen.map((r) => r.repairedBy)).to.deep.equal(['SchemaMigration ns/x']);
    // The request left in place does nothing the second time.
    const again = await migrate({ url, migrations: await readMigrationDir(dir), repairs: [req] });
    expect(again.repaired).to.deep.equal([]);
    expect(await repairs()).to.have.length(1);
  });

  it('a run asked to repair with another checksum repairs nothing and says why', async () => {
    const dir = twoFiles();
    await run(dir);
    writeFiles(dir, {
      '002_b.sql': 'CREATE TABLE b (id int DEFAULT 2);\nINSERT INTO a VALUES (1);',
    });
    const req = { version: '002', reason: 'r', by: 'x', expectChecksum: 'sha256:0000' };
    const err = await run(dir, { repairs: [req] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ChecksumMismatchError);
    expect((err as Error).message).to.match(
      /names checksum sha256:0000, but .*002_b\.sql has sha256:/,
    );
  });
});
