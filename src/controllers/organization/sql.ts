/**
 * The Organization controller's SQL: the only file outside src/engine that
 * imports `pg`. Every value travels as a bound parameter; identifiers that
 * come from the catalog (the tables referencing organizations) are quoted by
 * the driver.
 *
 * Upserts are batched: calls arriving within `windowMs` (or until `maxBatch`)
 * are written by one statement, `INSERT ... SELECT FROM unnest(...) ON
 * CONFLICT (id) DO UPDATE ... WHERE (something changed)`, which touches only
 * the columns an Organization owns and keeps created_at. `name` is written
 * when the row is created and never changed after: a row that exists under
 * the org's id keeps its name (default-org keeps `default`). A new row whose
 * `name` belongs to another id is filtered out inside the same statement and
 * reported to its caller as a name conflict; the others are written.
 *
 * Rows are the operator's only when it made them: `schema_operator_organizations`
 * (made here, beside `organizations`, by the operator's own SQL) records, per
 * id, the UID of the Organization it wrote the row for and whether it
 * created the row. A row with no record (made by the API or by hand), or one
 * recorded for another UID that is still in use, is never written: the
 * caller gets `row-conflict`. `default-org` is never written. Only a row this
 * Organization created is ever deleted; one it took back (after a Retain, or
 * on upgrade) is only marked.
 */
import pg from 'pg';
import {
  checkDatabase,
  SessionPool,
  withSession,
  type ConnectOptions,
  type IdleBudget,
  type DatabaseAccess,
} from '../../engine/index.js';
import {
  CREATE_ROWS_TABLE,
  DEFAULT_ORG,
  REFERENCING,
  ROWS_TABLE,
  UPSERT,
} from './sql-statements.js';

export { ROWS_TABLE } from './sql-statements.js';

/** The columns an Organization owns in its row. */
export interface OrgRow {
  id: string;
  name: string;
  displayName: string;
  description: string | null;
  namespace: string;
  status: 'active' | 'suspended';
  /** The Organization's metadata.uid: whose row it is (not a column of `organizations`). */
  uid: string;
  /**
   * Take an existing row that no record claims (one this operator wrote
   * before rows were recorded): only when the Organization's own status says
   * its row was written.
   */
  adoptUnrecorded: boolean;
}

/** What an upsert did: wrote, found the row already so, or refused a taken name. */
export type UpsertResult =
  | { outcome: 'written' | 'unchanged' | 'row-conflict' }
  | { outcome: 'name-conflict'; ownerId: string };

/** What a delete did: the row deleted, kept because this org did not create it, or blocked by references. */
export type DeleteResult =
  { outcome: 'deleted' | 'not-created' } | { outcome: 'blocked'; references: Reference[] };

/** Rows in other tables that reference an organization (their org_id). */
export interface Reference {
  table: string;
  rows: number;
}

/** One database the controller writes to; obtained per URL from the registry. */
export interface OrgDatabase {
  upsert(row: OrgRow): Promise<UpsertResult>;
  /** Sets status `deleted` (row kept) on the row recorded for `uid`; false when there is none. */
  markDeleted(id: string, uid: string): Promise<boolean>;
  /** Rows referencing the organization, by table (only tables with any). */
  references(id: string): Promise<Reference[]>;
  /**
   * Deletes the row if the Organization `uid` created it and nothing
   * references it (checked under a row lock, so no new reference can slip in).
   */
  deleteRow(id: string, uid: string): Promise<DeleteResult>;
  end(): Promise<void>;
}

/** A database call failed; transient (retried with backoff). The message never holds a password. */
export class OrgDatabaseError extends Error {
  constructor(
    readonly what: string,
    cause: unknown,
  ) {
    super(`while ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'OrgDatabaseError';
  }
}

/** Batching and session settings. */
export interface OrgDatabaseOptions {
  /** How long the first upsert of a batch waits for company (default 20 ms). */
  windowMs?: number;
  /** A batch is written at once when it reaches this size (default 500). */
  maxBatch?: number;
  /**
   * The process's limit on idle sessions (idle-budget.ts). The writer's idle
   * sessions are not counted in it (they close after 30 s idle, as a fleet's
   * databases each keep one while its organizations are written), but a
   * server out of slots gets them back with every other idle session, and
   * the refused connection is tried again.
   */
  budget?: IdleBudget;
}

/** An idle session of the writer closes after this long. */
const IDLE_TIMEOUT_MS = 30_000;

/** SQLSTATE unique_violation: a concurrent writer took a name between our check and insert. */
const UNIQUE_VIOLATION = '23505';

interface Pending {
  row: OrgRow;
  waiters: Array<{ resolve(r: UpsertResult): void; reject(e: unknown): void }>;
}

/** Runs queries on a session of the writer's: lent for one call, given back unchanged. */
type OnSession = <T>(fn: (c: pg.ClientBase) => Promise<T>) => Promise<T>;

/**
 * Opens (lazily: no session until the first statement) the database
 * `access` names, through the same checks and `pg` settings as every
 * connection (checkDatabase, then the engine's `connect`: no connection
 * string, no file, no `PG*` variable); throws InvalidDatabaseUrlError or
 * DatabaseHostNotAllowedError. Its sessions are an engine session pool of
 * its own (session-pool.ts), never lent to a migration run, whose reset
 * would drop the prepared upsert. Every call leaves its session as it found
 * it (no SET; a transaction always ends), so it comes back without a reset.
 */
export function openOrgDatabase(
  access: DatabaseAccess,
  opts: OrgDatabaseOptions = {},
): OrgDatabase {
  checkDatabase(access);
  const connectOptions: ConnectOptions = {
    ...access,
    applicationName: 'schema-operator/organizations',
    connectTimeoutMs: 10_000,
  };
  const sessions = new SessionPool({
    budget: opts.budget,
    countedInBudget: false,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  });
  const onSession: OnSession = (fn) => withSession(sessions, connectOptions, fn);
  // Made once per writer, before the first statement that reads it.
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= onSession(ensureRowsTable).catch((err: unknown) => {
      prepared = undefined;
      throw err;
    }));
  const windowMs = opts.windowMs ?? 20;
  const maxBatch = opts.maxBatch ?? 500;
  let batch = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const rows = batch;
    batch = new Map();
    if (rows.size > 0) void writeBatch(onSession, rows, prepare);
  };

  return {
    upsert(row) {
      return new Promise((resolve, reject) => {
        // The same id twice in a batch: the newer row wins, both callers get its result.
        const waiters = batch.get(row.id)?.waiters ?? [];
        waiters.push({ resolve, reject });
        batch.set(row.id, { row, waiters });
        if (batch.size >= maxBatch) flush();
        else timer ??= setTimeout(flush, windowMs);
      });
    },
    markDeleted(id, uid) {
      return run('marking the organization row deleted', async () => {
        await prepare();
        const r = await onSession((c) =>
          c.query<{ marked: boolean }>(
            `WITH mine AS (SELECT 1 FROM ${ROWS_TABLE} WHERE id = $1 AND uid = $2),
                marked AS (
                  UPDATE organizations SET status = 'deleted', updated_at = CURRENT_TIMESTAMP
                   WHERE id = $1 AND status IS DISTINCT FROM 'deleted' AND EXISTS (SELECT 1 FROM mine)
                  RETURNING 1)
           SELECT EXISTS (SELECT 1 FROM mine) AND EXISTS (SELECT 1 FROM organizations WHERE id = $1) AS marked`,
            [id, uid],
          ),
        );
        return r.rows[0]?.marked ?? false;
      });
    },
    references(id) {
      return run('counting the rows that reference the organization', () =>
        onSession((c) => countReferences(c, id)),
      );
    },
    deleteRow(id, uid) {
      return run('deleting the organization row', async () => {
        await prepare();
        return onSession(async (c) => {
          await c.query('BEGIN');
          try {
            const mine = await c.query(
              `SELECT 1 FROM ${ROWS_TABLE} WHERE id = $1 AND uid = $2 AND created FOR UPDATE`,
              [id, uid],
            );
            if ((mine.rowCount ?? 0) === 0 || id === DEFAULT_ORG) {
              await c.query('COMMIT');
              return { outcome: 'not-created' } as DeleteResult;
            }
            // The row lock makes concurrent inserts that reference it wait for us.
            await c.query('SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE', [id]);
            const refs = await countReferences(c, id);
            if (refs.length > 0) {
              await c.query('COMMIT');
              return { outcome: 'blocked', references: refs } as DeleteResult;
            }
            await c.query('DELETE FROM organizations WHERE id = $1', [id]);
            await c.query(`DELETE FROM ${ROWS_TABLE} WHERE id = $1`, [id]);
            await c.query('COMMIT');
            return { outcome: 'deleted' } as DeleteResult;
          } catch (err) {
            // The session goes back as it came: out of the transaction (a lost one is closed).
            await c.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        });
      });
    },
    async end() {
      flush();
      await sessions.end();
    },
  };
}

async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new OrgDatabaseError(what, err);
  }
}

async function countReferences(db: pg.ClientBase, id: string): Promise<Reference[]> {
  const { rows } = await db.query<{ tbl: string; col: string }>(REFERENCING);
  if (rows.length === 0) return [];
  const parts = rows.map(
    (r, i) =>
      `SELECT ${i} AS i, count(*)::int AS n FROM ${quoteQualified(r.tbl)} WHERE ${pg.escapeIdentifier(r.col)} = $1`,
  );
  const counts = await db.query<{ i: number; n: number }>(parts.join(' UNION ALL '), [id]);
  return counts.rows.filter((c) => c.n > 0).map((c) => ({ table: rows[c.i]!.tbl, rows: c.n }));
}

/** regclass text is already quoted where needed (`"Odd"."T"`); plain names are quoted here. */
function quoteQualified(regclass: string): string {
  return /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(regclass)
    ? regclass
        .split('.')
        .map((p) => pg.escapeIdentifier(p))
        .join('.')
    : regclass;
}

/** SQLSTATE duplicate_table / unique_violation: two writers made the table at once, which is fine. */
const ALREADY_MADE = new Set(['42P07', UNIQUE_VIOLATION]);

async function ensureRowsTable(c: pg.ClientBase): Promise<void> {
  await c.query(CREATE_ROWS_TABLE).catch((err: { code?: string }) => {
    if (!ALREADY_MADE.has(err.code ?? '')) throw err;
  });
}

async function writeBatch(
  onSession: OnSession,
  batch: Map<string, Pending>,
  prepare: () => Promise<void>,
): Promise<void> {
  const entries = [...batch.values()];
  try {
    await prepare();
    const results = await onSession(async (c) => {
      try {
        return await upsertRows(
          c,
          entries.map((e) => e.row),
        );
      } catch (err) {
        // A name taken concurrently fails the whole statement: write row by row to find whose.
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION || entries.length === 1) throw err;
        const one = new Map<string, UpsertResult>();
        for (const e of entries) one.set(e.row.id, await upsertOne(c, e.row));
        return one;
      }
    });
    for (const e of entries) for (const w of e.waiters) w.resolve(results.get(e.row.id)!);
  } catch (err) {
    const wrapped = new OrgDatabaseError(`upserting ${entries.length} organization row(s)`, err);
    for (const e of entries) for (const w of e.waiters) w.reject(wrapped);
  }
}

async function upsertOne(c: pg.ClientBase, row: OrgRow): Promise<UpsertResult> {
  try {
    return (await upsertRows(c, [row])).get(row.id)!;
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    const owner = await c.query<{ id: string }>(
      'SELECT id FROM organizations WHERE name = $1 AND id <> $2',
      [row.name, row.id],
    );
    return { outcome: 'name-conflict', ownerId: owner.rows[0]?.id ?? '(unknown)' };
  }
}

async function upsertRows(c: pg.ClientBase, rows: OrgRow[]): Promise<Map<string, UpsertResult>> {
  const { rows: out } = await c.query<{
    id: string;
    owner: string | null;
    written: boolean;
    refused: boolean;
  }>({
    // Prepared once per connection: the statement is long, and planning it was most of its cost.
    name: 'schema-operator-org-upsert',
    text: UPSERT,
    values: [
      rows.map((r) => r.id),
      rows.map((r) => r.name),
      rows.map((r) => r.displayName),
      rows.map((r) => r.description),
      rows.map((r) => r.namespace),
      rows.map((r) => r.status),
      rows.map((r) => r.uid),
      rows.map((r) => r.adoptUnrecorded),
    ],
  });
  const results = new Map<string, UpsertResult>();
  for (const r of out) {
    results.set(
      r.id,
      r.refused
        ? { outcome: 'row-conflict' }
        : r.owner !== null
          ? { outcome: 'name-conflict', ownerId: r.owner }
          : { outcome: r.written ? 'written' : 'unchanged' },
    );
  }
  return results;
}
