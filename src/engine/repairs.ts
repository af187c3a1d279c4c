/**
 * The repair history (`schema_operator_repairs`, beside the ledger): one row
 * per repair, keeping the checksums the ledger had and took, who asked, when
 * and why. Made with the first repair and only appended to; the ledger row
 * itself is updated in the same transaction, so a repair is never half-written.
 */
import { asRunner } from './session.js';
import {
  ensureRepairsTable,
  qualified,
  repairsTable,
  tableExists,
  type LedgerTable,
  type Queryable,
} from './ledger.js';

/** One repair, as recorded. */
export interface RepairRecord {
  version: string;
  oldChecksum: string;
  newChecksum: string;
  oldStatementsChecksum: string | null;
  newStatementsChecksum: string | null;
  repairedBy: string;
  reason: string;
  /** The server's clock. */
  repairedAt: Date;
}

/** What a repair writes; the time comes from the server. */
export type NewRepair = Omit<RepairRecord, 'repairedAt'>;

/**
 * Gives the ledger row of `r.version` the new checksums and appends the
 * history row, in one transaction (as the connection's user, whatever role
 * it had). Returns the record with the server's time.
 */
export async function recordRepair(
  c: Queryable,
  t: LedgerTable,
  r: NewRepair,
): Promise<RepairRecord> {
  let at = new Date();
  await asRunner(c, false, async () => {
    // The first repair of this ledger makes its table, in the same transaction.
    await ensureRepairsTable(c, t);
    await c.query(
      `UPDATE ${qualified(t)} SET checksum = $2, statements_checksum = $3 WHERE version = $1`,
      [r.version, r.newChecksum, r.newStatementsChecksum],
    );
    const { rows } = await c.query<{ at: Date }>(
      `INSERT INTO ${qualified(repairsTable(t))}
         (version, old_checksum, new_checksum, old_statements_checksum, new_statements_checksum,
          repaired_by, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING repaired_at AS at`,
      [
        r.version,
        r.oldChecksum,
        r.newChecksum,
        r.oldStatementsChecksum,
        r.newStatementsChecksum,
        r.repairedBy,
        r.reason,
      ],
    );
    at = rows[0]!.at;
  });
  return { ...r, repairedAt: at };
}

/** Every repair in the order made; none when the table does not exist yet (read-only: no DDL). */
export async function readRepairs(c: Queryable, t: LedgerTable): Promise<RepairRecord[]> {
  if (!(await tableExists(c, repairsTable(t)))) return [];
  const { rows } = await c.query(`SELECT * FROM ${qualified(repairsTable(t))} ORDER BY id`);
  return rows.map((r) => ({
    version: r.version,
    oldChecksum: r.old_checksum,
    newChecksum: r.new_checksum,
    oldStatementsChecksum: r.old_statements_checksum,
    newStatementsChecksum: r.new_statements_checksum,
    repairedBy: r.repaired_by,
    reason: r.reason,
    repairedAt: r.repaired_at,
  }));
}
