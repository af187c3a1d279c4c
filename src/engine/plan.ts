/**
 * The plan: what the source says against what the ledger says. A pure
 * function, so every rule is tested with tables. It never decides from the
 * highest applied version alone: each file is matched to its own ledger row.
 */
import {
  ChecksumMismatchError,
  InvalidSourceError,
  OutOfOrderError,
  type ChecksumChange,
} from './errors.js';
import type { LedgerRow } from './ledger.js';
import type { Migration } from './source.js';
import { compareVersions, versionKey } from './version.js';

/** Choices that change the plan. */
export interface PlanOptions {
  /** Apply nothing past this version (it must be one of the source's). */
  target?: string;
  /** Pending migrations older than the newest applied are run instead of refused. */
  outOfOrder?: boolean;
  /**
   * Asked for each pending contract migration, in version order, with the
   * version just before it in the source (null for the first): true holds it,
   * and it and everything after it go to `held` instead of `pending`.
   */
  holdContract?: HoldContract;
}

/** Whether contract migration `m` must wait; `previous` is the source's version just before it. */
export type HoldContract = (m: Migration, previous: string | null) => boolean;

/** The five sets of DESIGN section 2, plus what the baseline, the target and a held contract set aside. */
export interface Plan {
  applied: Array<{ migration: Migration; row: LedgerRow }>;
  /** To run, in version order (within the target). */
  pending: Migration[];
  changed: ChecksumChange[];
  /**
   * Applied files edited in comments or whitespace only (same statements
   * checksum as the ledger row): shown, never refused; the ledger keeps what ran.
   */
  commentsOnly: ChecksumChange[];
  /** Ledger rows whose file is no longer in the source: reported, not fatal. */
  missing: LedgerRow[];
  /** The pending ones below the highest applied version. */
  outOfOrder: Migration[];
  baseline: LedgerRow | null;
  /** Files at or below the baseline: never run. */
  belowBaseline: Migration[];
  /** Pending files past the target. */
  beyondTarget: Migration[];
  /** Pending files from the first held contract migration on (within the target): not run now. */
  held: Migration[];
  highestApplied: string | null;
}

/** Matches each file to its ledger row by version. */
export function plan(migrations: Migration[], ledger: LedgerRow[], opts: PlanOptions = {}): Plan {
  if (
    opts.target !== undefined &&
    !migrations.some((m) => compareVersions(m.version, opts.target!) === 0)
  ) {
    throw new InvalidSourceError(
      `target version ${opts.target} is not one of the source's migrations`,
    );
  }
  const baseline = ledger.find((r) => r.kind === 'baseline') ?? null;
  const rows = new Map(
    ledger.filter((r) => r.kind === 'migration').map((r) => [versionKey(r.version), r]),
  );
  const highestApplied = ledger.reduce<string | null>(
    (max, r) => (max === null || compareVersions(r.version, max) > 0 ? r.version : max),
    null,
  );
  const result: Plan = {
    applied: [],
    pending: [],
    changed: [],
    commentsOnly: [],
    missing: [],
    outOfOrder: [],
    baseline,
    belowBaseline: [],
    beyondTarget: [],
    held: [],
    highestApplied,
  };
  for (const m of migrations) {
    const row = rows.get(versionKey(m.version));
    rows.delete(versionKey(m.version));
    if (row) {
      result.applied.push({ migration: m, row });
      if (row.checksum !== m.checksum) {
        const change = {
          version: m.version,
          name: m.name,
          applied: row.checksum,
          current: m.checksum,
        };
        // Only an edited file is split for this: the no-op path reads checksums alone.
        if (sameStatements(row, m)) result.commentsOnly.push(change);
        else result.changed.push(change);
      }
    } else if (baseline && compareVersions(m.version, baseline.version) <= 0) {
      result.belowBaseline.push(m);
    } else if (opts.target !== undefined && compareVersions(m.version, opts.target) > 0) {
      result.beyondTarget.push(m);
    } else {
      result.pending.push(m);
      if (highestApplied !== null && compareVersions(m.version, highestApplied) < 0)
        result.outOfOrder.push(m);
    }
  }
  holdContracts(result, migrations, opts.holdContract);
  result.missing = [...rows.values()].sort((a, b) => compareVersions(a.version, b.version));
  return result;
}

/** The ledger row records the file's statements: an edit of comments only. Rows without one never match. */
function sameStatements(row: LedgerRow, m: Migration): boolean {
  return row.statementsChecksum !== null && row.statementsChecksum === m.statementsChecksum;
}

/** Moves the first held contract migration and everything pending after it to `held`. */
function holdContracts(p: Plan, migrations: Migration[], hold: HoldContract | undefined): void {
  if (!hold) return;
  const at = p.pending.findIndex((m) => m.contract && hold(m, versionBefore(migrations, m)));
  if (at < 0) return;
  p.held = p.pending.slice(at);
  p.pending = p.pending.slice(0, at);
  // What waits is not refused as out of order: it is not run now.
  p.outOfOrder = p.outOfOrder.filter((m) => p.pending.includes(m));
}

function versionBefore(migrations: Migration[], m: Migration): string | null {
  const i = migrations.indexOf(m);
  return i > 0 ? migrations[i - 1]!.version : null;
}

/**
 * Throws when the plan must not run: edited applied files, or out-of-order
 * files not allowed. `notes` (why a requested repair was not made) go with
 * the mismatch of their version.
 */
export function assertSafe(
  p: Plan,
  opts: PlanOptions = {},
  notes: Array<{ version: string; message: string }> = [],
): void {
  if (p.changed.length > 0) {
    const changed = new Set(p.changed.map((c) => versionKey(c.version)));
    const relevant = notes.filter((n) => changed.has(versionKey(n.version)));
    throw new ChecksumMismatchError(
      p.changed,
      relevant.map((n) => n.message),
    );
  }
  if (p.outOfOrder.length > 0 && !opts.outOfOrder) {
    throw new OutOfOrderError(
      p.outOfOrder.map((m) => m.version),
      p.highestApplied ?? '',
    );
  }
}
