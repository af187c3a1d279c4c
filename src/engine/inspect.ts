/**
 * Read-only look at a database: its ledger and the plan against a source.
 * Takes no lock and writes nothing, so `plan` and `status` work while a
 * migration runs.
 */
import { withConnection } from './connection.js';
import { readLedger, userRelations, type LedgerRow } from './ledger.js';
import { resolveOptions, type RunOptions } from './options.js';
import { plan, type Plan } from './plan.js';
import { validateMigrations } from './source.js';
import { tableSizes, type TableSize } from './table-size.js';

/** What the database and the source say. */
export interface Inspection {
  /** Null when the database has no ledger yet. */
  ledger: LedgerRow[] | null;
  plan: Plan;
  /** Set when a run would be refused: tables exist, no ledger, no baseline or adoptExisting. */
  unmanagedRelations: string[];
  /** Estimates of the tables `InspectOptions.tablesOf` named (those that exist). */
  tableSizes: Map<string, TableSize>;
}

/** What else to read while connected. */
export interface InspectOptions {
  /** The tables whose row and size estimates to read, given the plan (`plan` shows them per finding). */
  tablesOf?: (p: Plan) => string[];
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
    const sizes = await tableSizes(c, io.tablesOf?.(p) ?? []);
    return { ledger, plan: p, unmanagedRelations: unmanaged, tableSizes: sizes };
  });
}

/** The row `--baseline V` would record, for planning before it exists. */
export function virtualBaseline(version: string): LedgerRow {
  const now = new Date();
  return {
    installedRank: 0,
    version,
    name: 'baseline',
    checksum: '',
    kind: 'baseline',
    transactional: true,
    outOfOrder: false,
    appliedBy: '',
    startedAt: now,
    finishedAt: now,
    executionMs: 0,
  };
}
