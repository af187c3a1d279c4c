/**
 * Read-only look at a database: its ledger and the plan against a source.
 * Takes no lock and writes nothing, so `plan` and `status` work while a
 * migration runs.
 */
import { virtualBaseline } from './baseline-row.js';
import { withConnection } from './connection.js';
import { readLedger, userRelations, type LedgerRow } from './ledger.js';
import { pendingFindings, type LintFinding } from './lint.js';
import { resolveOptions, type RunOptions } from './options.js';
import { plan, type Plan } from './plan.js';
import { readRepairs, type RepairRecord } from './repairs.js';
import { validateMigrations } from './source.js';
import { tableSizes, type TableSize } from './table-size.js';

/** What the database and the source say. */
export interface Inspection {
  /** Null when the database has no ledger yet. */
  ledger: LedgerRow[] | null;
  plan: Plan;
  /** Set when a run would be refused: tables exist, no ledger, no baseline or adoptExisting. */
  unmanagedRelations: string[];
  /** Lint findings of the pending files, judged with this database's pg_proc (when `findings` was asked). */
  findings: LintFinding[];
  /** Estimates of the tables those findings name (those that exist). */
  tableSizes: Map<string, TableSize>;
  /** The repair history, oldest first (empty when there is none). */
  repairs: RepairRecord[];
}

/** What else to read while connected. */
export interface InspectOptions {
  /** Lint the pending files and size the tables their findings name (`plan` shows them). */
  findings?: boolean;
}

/** Reads the ledger and computes the plan, as a run would, without changing anything. */
export async function inspect(o: RunOptions, io: InspectOptions = {}): Promise<Inspection> {
  const opts = resolveOptions(o);
  return withConnection(opts, async (c) => {
    const ledger = await readLedger(c, opts.ledger);
    const unmanaged =
      ledger === null && !opts.baseline && !opts.adoptExisting
        ? await userRelations(c, opts.ledger)
        : [];
    const rows = ledger ?? (opts.baseline ? [virtualBaseline(opts.baseline)] : []);
    const p = plan(opts.migrations, rows, opts);
    validateMigrations(p.pending);
    const findings = io.findings ? await pendingFindings(c, opts.migrations, p.pending) : [];
    const sizes = await tableSizes(
      c,
      findings.flatMap((f) => (f.table ? [f.table] : [])),
    );
    const repairs = ledger === null ? [] : await readRepairs(c, opts.ledger);
    return {
      ledger,
      plan: p,
      unmanagedRelations: unmanaged,
      findings,
      tableSizes: sizes,
      repairs,
    };
  });
}
