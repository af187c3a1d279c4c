/**
 * A ledger's stamp: one cheap query whose answer changes whenever a row of
 * the ledger is inserted, updated or deleted (a repair included). The
 * operator remembers the stamp a successful run left, and a later resync
 * whose stamp, source and database are unchanged has nothing to do: no
 * lock, no plan, no write.
 */
import { qualified, type LedgerTable, type Queryable } from './ledger.js';

/** SQLSTATE undefined_table: no ledger yet. */
const UNDEFINED_TABLE = '42P01';

/**
 * `count:max rank:md5 of every row in order`, or null when there is no
 * ledger. Every column counts (`to_jsonb` of the row), so it works on a
 * ledger of any shape, old or new.
 */
export async function ledgerStamp(c: Queryable, t: LedgerTable): Promise<string | null> {
  try {
    const { rows } = await c.query<{ stamp: string }>(
      `SELECT count(*) || ':' || coalesce(max(installed_rank), 0) || ':' ||
              coalesce(md5(string_agg(to_jsonb(h)::text, ',' ORDER BY installed_rank)), '') AS stamp
         FROM ${qualified(t)} h`,
    );
    return rows[0]?.stamp ?? null;
  } catch (err) {
    if ((err as { code?: string }).code === UNDEFINED_TABLE) return null;
    throw err;
  }
}
