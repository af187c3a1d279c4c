import { expect } from 'chai';
import { migrate, parseMigration, repair, type Migration } from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';
import { recordingSource } from '../../support/recording-source.js';

const noSleep = async () => undefined;
const a = parseMigration({ name: '001_a.sql', content: 'CREATE TABLE a (id int);' });
const b = parseMigration({ name: '002_b.sql', content: 'CREATE TABLE b (id int);' });

/** A claimed run of `migrations` on `url`, with the text of every query it sent. */
async function recordedRun(url: string, migrations: Migration[]): Promise<{ texts: string[] }> {
  const rec = recordingSource();
  await migrate({
    url,
    migrations,
    sleep: noSleep,
    claim: { owner: 'x/y' },
    connection: rec.source,
  });
  return rec;
}

/** The ledger as releases before the statements checksum and the repairs table made it. */
const OLD_LEDGER = `
  CREATE TABLE schema_operator_history (
    installed_rank integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version text NOT NULL UNIQUE, name text NOT NULL, checksum text NOT NULL,
    kind text NOT NULL DEFAULT 'migration' CHECK (kind IN ('migration', 'baseline')),
    transactional boolean NOT NULL, out_of_order boolean NOT NULL DEFAULT false,
    applied_by text NOT NULL, started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT clock_timestamp(), execution_ms integer NOT NULL);
  CREATE TABLE schema_operator_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, version text NOT NULL, name text NOT NULL,
    checksum text NOT NULL, status text NOT NULL, statement_index integer, sqlstate text,
    message text, statement text, line integer, applied_by text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp());`;

/** The tables of the ledger and beside it, by name. */
async function ledgerTables(url: string): Promise<string[]> {
  const rows = await query<{ t: string }>(
    url,
    "SELECT tablename AS t FROM pg_tables WHERE tablename LIKE 'schema\\_operator\\_%' ORDER BY 1",
  );
  return rows.map((r) => r.t);
}

/** DDL on the ledger's own tables, whose names the engine always quotes (the files' DDL is theirs). */
const ledgerDdl = (t: string) =>
  /(CREATE\s+(TABLE|SCHEMA)\s+IF\s+NOT\s+EXISTS|ALTER\s+TABLE)\s+"/i.test(t);

describe('the ledger tables and when their DDL runs (PostgreSQL 18)', () => {
  let url: string;
  beforeEach(async () => (url = await freshDatabase(18)));

  it('gives an old ledger the statements checksum column on its next write, and the repairs table with its first repair', async () => {
    await query(url, OLD_LEDGER);
    await query(
      url,
      `INSERT INTO schema_operator_history (version, name, checksum, transactional, applied_by, started_at, execution_ms)
       VALUES ('001', 'a', $1, true, 'old', now(), 1)`,
      [a.checksum],
    );
    await query(url, 'CREATE TABLE a (id int)');
    const r = await migrate({ url, migrations: [a, b], sleep: noSleep });
    expect(r.applied.map((m) => m.version)).to.deep.equal(['002']);
    const rows = await query<{ version: string; statements_checksum: string | null }>(
      url,
      'SELECT version, statements_checksum FROM schema_operator_history ORDER BY installed_rank',
    );
    expect(rows[0]).to.deep.equal({ version: '001', statements_checksum: null });
    expect(await ledgerTables(url)).to.deep.equal([
      'schema_operator_attempts',
      'schema_operator_fingerprint',
      'schema_operator_history',
      'schema_operator_owner',
    ]);

    const edited = parseMigration({ name: '001_a.sql', content: 'CREATE TABLE a (id integer);' });
    const outcome = await repair(
      { url, migrations: [edited, b], sleep: noSleep },
      { version: '001', reason: 'reformatted' },
    );
    expect(outcome.repaired).to.include({ version: '001', reason: 'reformatted' });
    const repairs = await query(
      url,
      `SELECT column_name FROM information_schema.columns
        WHERE table_name = 'schema_operator_repairs' ORDER BY ordinal_position`,
    );
    expect(repairs.map((c) => c.column_name)).to.deep.equal([
      'id',
      'version',
      'old_checksum',
      'new_checksum',
      'old_statements_checksum',
      'new_statements_checksum',
      'repaired_by',
      'reason',
      'repaired_at',
    ]);
  });

  it('makes the ledger, owner and fingerprint tables with a new ledger, the attempts table with its first row', async () => {
    await recordedRun(url, [a]);
    expect(await ledgerTables(url)).to.deep.equal([
      'schema_operator_fingerprint',
      'schema_operator_history',
      'schema_operator_owner',
    ]);
    const concurrently = parseMigration({
      name: '003_c.sql',
      content: '-- schema-operator: no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);',
    });
    await migrate({ url, migrations: [a, concurrently], sleep: noSleep, claim: { owner: 'x/y' } });
    expect(
      await query(url, 'SELECT version, status, statement_index FROM schema_operator_attempts'),
    ).to.deep.equal([{ version: '003', status: 'progress', statement_index: 0 }]);
  });

  it('runs no DDL when the ledger is at the current shape, even when it applies a file', async () => {
    await migrate({ url, migrations: [a], sleep: noSleep, claim: { owner: 'x/y' } });
    const rec = await recordedRun(url, [a, b]);
    expect(rec.texts.filter(ledgerDdl).map((t) => t.slice(0, 300))).to.deep.equal([]);
    expect(rec.texts.filter((t) => /cardinality\(/.test(t))).to.have.length(1);
  });

  it('runs neither DDL nor the shape query on a run with nothing to do', async () => {
    await migrate({ url, migrations: [a], sleep: noSleep, claim: { owner: 'x/y' } });
    const rec = await recordedRun(url, [a]);
    expect(rec.texts.filter((t) => ledgerDdl(t) || /cardinality\(/.test(t))).to.deep.equal([]);
  });

  it('runs the DDL in one round trip for a new ledger', async () => {
    const rec = await recordedRun(url, [a]);
    expect(rec.texts.filter(ledgerDdl)).to.have.length(1);
  });
});
