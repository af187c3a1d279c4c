/**
 * Repair: an applied file was edited on purpose, and the ledger takes the
 * file's checksums, the old ones kept in the repair history (repairs.ts).
 * `repair` is the CLI's, with its own connection and the migration lock;
 * `repairInRun` is a run's (the operator's annotation), under the run's lock
 * before it plans. Both decide with `checkRepair`.
 */
import { withConnection } from './connection.js';
import { RepairRefusedError } from './errors.js';
import {
  ensureLedger,
  readLedger,
  type LedgerRow,
  type LedgerTable,
  type Queryable,
} from './ledger.js';
import { acquireLock, releaseLock } from './lock.js';
import { resolveOptions, type RunOptions } from './options.js';
import { recordRepair, type RepairRecord } from './repairs.js';
import type { Migration } from './source.js';
import { versionKey } from './version.js';

/** A repair asked for. */
export interface RepairRequest {
  version: string;
  /** Why; required (an empty one is refused). */
  reason: string;
  /**
   * Who asked: a user@host, or the SchemaMigration and the manager that
   * annotated it. `repair` defaults it to the run's appliedBy (user@host).
   */
  by?: string;
  /**
   * Repair only if the file has this checksum (the annotation's), so that a
   * request written for one edit never blesses a later one.
   */
  expectChecksum?: string;
}

/** The ledger row and file a repair applies to, or null when they already agree. */
export interface RepairTarget {
  row: LedgerRow;
  migration: Migration;
}

/** Checks a request against the source and the ledger; throws RepairRefusedError. */
export function checkRepair(
  req: RepairRequest,
  migrations: Migration[],
  ledger: LedgerRow[] | null,
): RepairTarget | null {
  const v = req.version;
  if (!req.reason.trim())
    throw new RepairRefusedError(
      `repair of ${v}: a reason is required (--reason, or the repair-reason annotation)`,
    );
  const migration = migrations.find((m) => versionKey(m.version) === versionKey(v));
  if (!migration)
    throw new RepairRefusedError(`repair of ${v}: no file of version ${v} in the source`);
  const row = ledger?.find((r) => versionKey(r.version) === versionKey(v));
  if (!row)
    throw new RepairRefusedError(
      `repair of ${v}: version ${v} is not in the ledger (never applied)`,
    );
  if (row.kind === 'baseline')
    throw new RepairRefusedError(
      `repair of ${v}: the baseline row has no file to take a checksum from`,
    );
  if (req.expectChecksum !== undefined && req.expectChecksum !== migration.checksum) {
    throw new RepairRefusedError(
      `repair of ${v} not done: it names checksum ${req.expectChecksum}, but ${migration.file} ` +
        `has ${migration.checksum}`,
    );
  }
  if (row.checksum === migration.checksum) return null;
  return { row, migration };
}

/** Records the repair of `target` (the ledger must be at its current shape: ensureLedger). */
export function applyRepair(
  c: Queryable,
  ledger: LedgerTable,
  target: RepairTarget,
  req: RepairRequest,
): Promise<RepairRecord> {
  return recordRepair(c, ledger, {
    version: target.row.version,
    oldChecksum: target.row.checksum,
    newChecksum: target.migration.checksum,
    oldStatementsChecksum: target.row.statementsChecksum,
    newStatementsChecksum: target.migration.statementsChecksum,
    repairedBy: req.by ?? 'unknown',
    reason: req.reason.trim(),
  });
}

/** What `repair` did: the record, or null when the ledger already had the file's checksum. */
export interface RepairOutcome {
  version: string;
  file: string;
  repaired: RepairRecord | null;
}

/**
 * The CLI's repair: connects, takes the migration lock, checks, records (the
 * ledger's missing column added first; the repairs table is made with the
 * first repair). Of `o`, only the connection settings, `migrations`,
 * `ledger`, `lockWaitMs` and `appliedBy` (the default `by`) are used.
 */
export async function repair(o: RunOptions, req: RepairRequest): Promise<RepairOutcome> {
  const opts = resolveOptions(o);
  return withConnection(opts, async (c) => {
    await acquireLock(c, opts.ledger, {
      waitMs: opts.lockWaitMs,
      sleep: opts.sleep,
      signal: opts.signal,
    });
    try {
      const target = checkRepair(req, opts.migrations, await readLedger(c, opts.ledger));
      const file = opts.migrations.find(
        (m) => versionKey(m.version) === versionKey(req.version),
      )!.file;
      if (!target) return { version: req.version, file, repaired: null };
      await ensureLedger(c, opts.ledger);
      const by = req.by ?? opts.appliedBy;
      return {
        version: req.version,
        file,
        repaired: await applyRepair(c, opts.ledger, target, { ...req, by }),
      };
    } finally {
      await releaseLock(c, opts.ledger).catch(() => undefined);
    }
  });
}
