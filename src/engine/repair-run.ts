/**
 * The repairs a run was asked for (RunOptions.repairs, from the operator's
 * annotation), made under the run's lock before it plans. A request that
 * cannot be made does not fail the run: it becomes a note, which the
 * ChecksumMismatch of that version then carries, so the status says why
 * nothing was repaired. A request whose repair is already in the ledger does
 * nothing, so an annotation left on the CR is harmless.
 */
import { RepairRefusedError } from './errors.js';
import { ensureLedger, type LedgerRow, type LedgerTable, type Queryable } from './ledger.js';
import { applyRepair, checkRepair, type RepairRequest } from './repair.js';
import type { RepairRecord } from './repairs.js';
import type { Migration } from './source.js';
import { versionKey } from './version.js';

/** Why a requested repair of `version` was not made. */
export interface RepairNote {
  version: string;
  message: string;
}

/** What the run's repairs did: the ledger as it now is, the records made, the refusals. */
export interface RunRepairs {
  ledger: LedgerRow[] | null;
  repaired: RepairRecord[];
  notes: RepairNote[];
}

/** What `repairInRun` needs of the run. */
export interface RepairInRunOptions {
  ledger: LedgerTable;
  migrations: Migration[];
  requests: RepairRequest[];
  onRepaired?: (r: RepairRecord) => Promise<unknown> | unknown;
  /** Brings the ledger's tables to their current shape (the run's, done once per run). */
  ensure?: () => Promise<void>;
}

/** Makes each request that applies; each in its own transaction. */
export async function repairInRun(
  c: Queryable,
  o: RepairInRunOptions,
  ledger: LedgerRow[] | null,
): Promise<RunRepairs> {
  const out: RunRepairs = { ledger, repaired: [], notes: [] };
  for (const req of o.requests) {
    let target;
    try {
      target = checkRepair(req, o.migrations, out.ledger);
    } catch (err) {
      if (!(err instanceof RepairRefusedError)) throw err;
      out.notes.push({ version: req.version, message: err.message });
      continue;
    }
    if (!target) continue;
    await (o.ensure ?? (() => ensureLedger(c, o.ledger)))();
    const record = await applyRepair(c, o.ledger, target, req);
    out.repaired.push(record);
    out.ledger = out.ledger!.map((r) =>
      versionKey(r.version) === versionKey(record.version)
        ? { ...r, checksum: record.newChecksum, statementsChecksum: record.newStatementsChecksum }
        : r,
    );
    await o.onRepaired?.(record);
  }
  return out;
}
