/**
 * Who owns a ledger: one row in a table beside it (`x_history` pairs with
 * `x_owner`), read and written under the migration lock. The operator records
 * the SchemaMigration that runs against a ledger there, so a claim exists
 * only where a run has connected (a wrong password claims nothing) and
 * survives the operator's restarts and the CR being re-created under the
 * same name. The owner is an opaque string to the engine; what it names is
 * the caller's business.
 */
import { LedgerOwnedError } from './errors.js';
import { qualified, tableExists, type LedgerTable, type Queryable } from './ledger.js';

/** Who a run claims the ledger for, and when an earlier owner may be replaced. */
export interface LedgerClaim {
  /** The owner to record (the operator uses `namespace/name`). */
  owner: string;
  /**
   * Asked, under the lock, when another owner is recorded: true lets this run
   * take the ledger over (the operator answers true when that owner no longer
   * exists). Absent: never.
   */
  mayReplace?(previous: string): boolean | Promise<boolean>;
}

/** The owner table sits next to the ledger: `x_history` pairs with `x_owner`. */
export function ownerTable(t: LedgerTable): LedgerTable {
  return {
    schema: t.schema,
    name: t.name.endsWith('_history') ? t.name.replace(/_history$/, '_owner') : `${t.name}_owner`,
  };
}

/** The recorded owner, or null when there is none (no table yet, or an empty one). */
export async function readOwner(c: Queryable, t: LedgerTable): Promise<string | null> {
  if (!(await tableExists(c, ownerTable(t)))) return null;
  const { rows } = await c.query<{ owner: string }>(
    `SELECT owner FROM ${qualified(ownerTable(t))} LIMIT 1`,
  );
  return rows[0]?.owner ?? null;
}

/**
 * Refuses the run when another owner holds the ledger and may not be
 * replaced. Runs before anything is read or written for the plan; returns
 * the owner found (null for none), for {@link recordOwner}.
 */
export async function checkOwner(
  c: Queryable,
  t: LedgerTable,
  claim: LedgerClaim,
): Promise<string | null> {
  const current = await readOwner(c, t);
  if (current === null || current === claim.owner) return current;
  if (claim.mayReplace && (await claim.mayReplace(current))) return current;
  throw new LedgerOwnedError(qualified(t), current);
}

/**
 * Records `claim.owner` (a single row) in the owner table, which
 * `ensureLedger` creates with the ledger: call that first. Writes nothing
 * when the owner is already recorded.
 */
export async function recordOwner(
  c: Queryable,
  t: LedgerTable,
  claim: LedgerClaim,
  current: string | null,
): Promise<void> {
  if (current === claim.owner) return;
  const o = qualified(ownerTable(t));
  await c.query(
    `INSERT INTO ${o} (owner) VALUES ($1)
     ON CONFLICT (singleton) DO UPDATE SET owner = EXCLUDED.owner, claimed_at = clock_timestamp()`,
    [claim.owner],
  );
}
