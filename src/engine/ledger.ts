/**
 * The ledger (`schema_operator_history`) and the append-only attempts table
 * (`schema_operator_attempts`): their DDL (with the repairs, owner and
 * fingerprint tables beside them) and every query on them. Failures
 * are rows in the attempts table, never a "dirty" flag on the ledger, so a
 * failed run never blocks the next one.
 */
import type pg from 'pg';
import { ownerTable } from './owner.js';

/** Where the ledger lives. */
export interface LedgerTable {
  schema: string;
  name: string;
}

/** The default ledger: public.schema_operator_history. */
export const DEFAULT_LEDGER: LedgerTable = { schema: 'public', name: 'schema_operator_history' };

/** One row of the ledger. `kind` is `baseline` for the row that `--baseline` records. */
export interface LedgerRow {
  installedRank: number;
  version: string;
  name: string;
  checksum: string;
  /**
   * The statements checksum of the file when it ran (statements-checksum.ts);
   * null for rows written before the ledger had it, and for the baseline.
   */
  statementsChecksum: string | null;
  kind: 'migration' | 'baseline';
  transactional: boolean;
  outOfOrder: boolean;
  appliedBy: string;
  startedAt: Date;
  finishedAt: Date;
  executionMs: number;
}

/** A client or a pool: anything that runs queries. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** A double-quoted SQL identifier. */
export function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** The attempts table sits next to the ledger: `x_history` pairs with `x_attempts`. */
export function attemptsTable(t: LedgerTable): LedgerTable {
  return {
    schema: t.schema,
    name: t.name.endsWith('_history')
      ? t.name.replace(/_history$/, '_attempts')
      : `${t.name}_attempts`,
  };
}

/** The drift fingerprint sits next to the ledger: `x_history` pairs with `x_fingerprint`. */
export function fingerprintTable(t: LedgerTable): LedgerTable {
  return { schema: t.schema, name: `${t.name.replace(/_history$/, '')}_fingerprint` };
}

/**
 * The repairs table sits next to the ledger: `x_history` pairs with
 * `x_repairs`. One row per repaired checksum (old, new, who, when, why).
 */
export function repairsTable(t: LedgerTable): LedgerTable {
  return {
    schema: t.schema,
    name: t.name.endsWith('_history')
      ? t.name.replace(/_history$/, '_repairs')
      : `${t.name}_repairs`,
  };
}

/** `"schema"."name"` */
export function qualified(t: LedgerTable): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
}

/**
 * Creates what is missing of the ledger's tables (the ledger, owner and
 * fingerprint tables, the schema; the attempts and repairs tables are made
 * when first written: ensureAttemptsTable, ensureRepairsTable) and adds the
 * columns an older ledger lacks. Runs under the migration lock, before a run's first
 * write. One catalog query first: when everything is there at the current
 * shape, no DDL runs at all (DDL takes ACCESS EXCLUSIVE locks on catalog
 * entries, and would queue a run behind readers of these tables); otherwise
 * one round trip of idempotent DDL.
 */
export async function ensureLedger(c: Queryable, t: LedgerTable): Promise<void> {
  if (await ledgerShapeIsCurrent(c, t)) return;
  await c.query(ledgerDdl(t));
}

/** Every table of the ledger and every column added since, in one catalog query. */
export async function ledgerShapeIsCurrent(c: Queryable, t: LedgerTable): Promise<boolean> {
  const tables = ledgerTables(t).map((x) => x.name);
  const { rows } = await c.query<{ ok: boolean }>(
    `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p'))
              = cardinality($2::text[])
        AND EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = $3 AND c.relkind IN ('r', 'p')
                       AND a.attname = ANY($4::text[]) AND a.attnum > 0 AND NOT a.attisdropped
                    HAVING count(*) = cardinality($4::text[])) AS ok`,
    [t.schema, tables, t.name, ADDED_COLUMNS],
  );
  return rows[0]?.ok === true;
}

/** Columns of the ledger added after its first release: an older ledger gets them by ALTER TABLE. */
const ADDED_COLUMNS = ['statements_checksum'];

/** The ledger and the tables made with it (not those made when first written). */
function ledgerTables(t: LedgerTable): LedgerTable[] {
  return [t, ownerTable(t), fingerprintTable(t)];
}

/**
 * The DDL of the ledger's tables, idempotent: CREATE ... IF NOT EXISTS and
 * ADD COLUMN IF NOT EXISTS, so it turns any earlier shape into the current one.
 */
export function ledgerDdl(t: LedgerTable): string {
  return `
    CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)};
    CREATE TABLE IF NOT EXISTS ${qualified(t)} (
      installed_rank      integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version             text        NOT NULL UNIQUE,
      name                text        NOT NULL,
      checksum            text        NOT NULL,
      kind                text        NOT NULL DEFAULT 'migration' CHECK (kind IN ('migration', 'baseline')),
      transactional       boolean     NOT NULL,
      out_of_order        boolean     NOT NULL DEFAULT false,
      applied_by          text        NOT NULL,
      started_at          timestamptz NOT NULL,
      finished_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
      execution_ms        integer     NOT NULL,
      statements_checksum text
    );
    ALTER TABLE ${qualified(t)} ADD COLUMN IF NOT EXISTS statements_checksum text;
    CREATE TABLE IF NOT EXISTS ${qualified(ownerTable(t))} (
      singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
      owner      text        NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE TABLE IF NOT EXISTS ${qualified(fingerprintTable(t))} (
      id       int         PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      objects  jsonb       NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now()
    )`;
}

/**
 * The attempts table, made with its first row (a failure, or the first
 * statement of a no-transaction file) rather than with the ledger: most
 * databases never need it, and each table made in a fresh database costs
 * the server catalog work (measured in docs/benchmarks.md). A catalog
 * lookup, and DDL only when the table is missing. Call under the migration
 * lock, as the connection's own user.
 */
export async function ensureAttemptsTable(c: Queryable, t: LedgerTable): Promise<void> {
  await ensureTable(
    c,
    attemptsTable(t),
    `(
      id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version         text        NOT NULL,
      name            text        NOT NULL,
      checksum        text        NOT NULL,
      status          text        NOT NULL CHECK (status IN ('failed', 'progress')),
      statement_index integer,
      sqlstate        text,
      message         text,
      statement       text,
      line            integer,
      applied_by      text        NOT NULL,
      at              timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
  );
}

/** The repairs table, made with the first repair (as ensureAttemptsTable). */
export async function ensureRepairsTable(c: Queryable, t: LedgerTable): Promise<void> {
  await ensureTable(
    c,
    repairsTable(t),
    `(
      id                      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version                 text        NOT NULL,
      old_checksum            text        NOT NULL,
      new_checksum            text        NOT NULL,
      old_statements_checksum text,
      new_statements_checksum text,
      repaired_by             text        NOT NULL,
      reason                  text        NOT NULL,
      repaired_at             timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
  );
}

async function ensureTable(c: Queryable, t: LedgerTable, columns: string): Promise<void> {
  if (!(await tableExists(c, t)))
    await c.query(`CREATE TABLE IF NOT EXISTS ${qualified(t)} ${columns}`);
}

/** Whether table `t` exists: one catalog lookup, which reads nothing of it and takes no lock. */
export async function tableExists(c: Queryable, t: LedgerTable): Promise<boolean> {
  const { rows } = await c.query<{ r: string | null }>('SELECT to_regclass($1) AS r', [
    qualified(t),
  ]);
  return !!rows[0]?.r;
}

/**
 * The ledger's rows in installation order, or null when there is no ledger
 * yet. `SELECT *`: a ledger made before the statements checksum column
 * existed reads with null there, without DDL (read-only commands use this).
 */
export async function readLedger(c: Queryable, t: LedgerTable): Promise<LedgerRow[] | null> {
  if (!(await tableExists(c, t))) return null;
  const { rows } = await c.query(`SELECT * FROM ${qualified(t)} ORDER BY installed_rank`);
  return rows.map((r) => ({
    installedRank: r.installed_rank,
    version: r.version,
    name: r.name,
    checksum: r.checksum,
    statementsChecksum: r.statements_checksum ?? null,
    kind: r.kind,
    transactional: r.transactional,
    outOfOrder: r.out_of_order,
    appliedBy: r.applied_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    executionMs: r.execution_ms,
  }));
}

/** What is recorded when a migration (or the baseline) is applied. */
export type NewLedgerRow = Omit<LedgerRow, 'installedRank' | 'finishedAt' | 'executionMs'>;

/** Inserts a ledger row; finished_at and execution_ms come from the server's clock. */
export async function insertLedgerRow(
  c: Queryable,
  t: LedgerTable,
  row: NewLedgerRow,
): Promise<void> {
  await c.query(
    `INSERT INTO ${qualified(t)}
       (version, name, checksum, kind, transactional, out_of_order, applied_by, started_at, execution_ms,
        statements_checksum)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz,
             greatest(0, round(extract(epoch FROM clock_timestamp() - $8::timestamptz) * 1000))::int, $9)`,
    [
      row.version,
      row.name,
      row.checksum,
      row.kind,
      row.transactional,
      row.outOfOrder,
      row.appliedBy,
      row.startedAt,
      row.statementsChecksum,
    ],
  );
}

/** One attempts-table row: a failure, or a finished statement of a no-transaction file. */
export interface AttemptRow {
  version: string;
  name: string;
  checksum: string;
  status: 'failed' | 'progress';
  statementIndex?: number | null;
  sqlState?: string | null;
  message?: string | null;
  statement?: string | null;
  line?: number | null;
  appliedBy: string;
}

/** Appends to the attempts table. */
export async function insertAttempt(c: Queryable, t: LedgerTable, a: AttemptRow): Promise<void> {
  await c.query(
    `INSERT INTO ${qualified(attemptsTable(t))}
       (version, name, checksum, status, statement_index, sqlstate, message, statement, line, applied_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      a.version,
      a.name,
      a.checksum,
      a.status,
      a.statementIndex ?? null,
      a.sqlState ?? null,
      a.message ?? null,
      a.statement ?? null,
      a.line ?? null,
      a.appliedBy,
    ],
  );
}

/** How many leading statements of this exact file (version and checksum) already ran. */
export async function statementsDone(
  c: Queryable,
  t: LedgerTable,
  version: string,
  sum: string,
): Promise<number> {
  const { rows } = await c.query<{ n: number | null }>(
    `SELECT max(statement_index) + 1 AS n FROM ${qualified(attemptsTable(t))}
      WHERE version = $1 AND checksum = $2 AND status = 'progress'`,
    [version, sum],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Up to `limit` relations in the ledger's schema, the ledger's own tables
 * excepted: a non-empty schema with no ledger is refused. Other schemas are
 * other applications' business (a second ledger may live beside them).
 */
export async function userRelations(c: Queryable, t: LedgerTable, limit = 5): Promise<string[]> {
  const { rows } = await c.query<{ r: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS r
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = $1
        AND c.relname NOT IN ($2, $3, $5, $6, $7)
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1 LIMIT $4`,
    [
      t.schema,
      t.name,
      attemptsTable(t).name,
      limit,
      ownerTable(t).name,
      fingerprintTable(t).name,
      repairsTable(t).name,
    ],
  );
  return rows.map((r) => r.r);
}
