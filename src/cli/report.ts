/**
 * What the database commands print: short human lines, or one JSON document.
 * Nothing here ever sees a password: URLs are redacted before they arrive.
 */
import { EngineError, MigrationFailedError } from '../engine/errors.js';
import type { LedgerRow } from '../engine/ledger.js';
import type { Plan } from '../engine/plan.js';
import type { Migration } from '../engine/source.js';
import { compareVersions } from '../engine/version.js';
import type { RepairRecord } from '../engine/repairs.js';
import { exitCodeFor } from './exit-codes.js';

/** The plan as plain data. */
export function planJson(p: Plan) {
  return {
    applied: p.applied.map((a) => a.migration.version),
    pending: p.pending.map((m) => ({
      version: m.version,
      name: m.name,
      transactional: m.transactional,
      contract: m.contract,
    })),
    held: p.held.map((m) => ({ version: m.version, name: m.name, contract: m.contract })),
    changed: p.changed,
    commentsOnly: p.commentsOnly,
    missing: p.missing.map((r) => ({ version: r.version, name: r.name })),
    outOfOrder: p.outOfOrder.map((m) => m.version),
    baseline: p.baseline?.version ?? null,
    beyondTarget: p.beyondTarget.map((m) => m.version),
    contracts: contractVersions(p),
    highestApplied: p.highestApplied,
  };
}

/** The versions of the source's contract files, applied or not, in version order. */
export function contractVersions(p: Plan): string[] {
  return [...p.applied.map((a) => a.migration), ...p.pending, ...p.held, ...p.beyondTarget]
    .filter((m) => m.contract)
    .map((m) => m.version)
    .sort((a, b) => compareVersions(a, b));
}

/** One line: counts of each set. */
export function planLine(p: Plan): string {
  const parts = [
    `${p.applied.length} applied`,
    `${p.pending.length} pending`,
    `${p.changed.length} changed`,
    `${p.missing.length} missing`,
  ];
  if (p.commentsOnly.length) parts.push(`${p.commentsOnly.length} edited (comments only)`);
  if (p.outOfOrder.length) parts.push(`${p.outOfOrder.length} out of order`);
  if (p.baseline) parts.push(`baseline ${p.baseline.version}`);
  if (p.beyondTarget.length) parts.push(`${p.beyondTarget.length} past the target`);
  if (p.held.length) parts.push(`${p.held.length} held at contract ${p.held[0]!.version}`);
  return `plan: ${parts.join(', ')}`;
}

/** The lines that detail a plan: what would run, what changed, what is missing. */
export function planDetails(p: Plan): string[] {
  return [
    ...p.pending.map(
      (m) =>
        `  pending  ${m.version}_${m.name}${marks(m)}` +
        (p.outOfOrder.includes(m) ? ' (out of order)' : ''),
    ),
    ...p.held.map((m) => `  held     ${m.version}_${m.name}${marks(m)}`),
    ...p.changed.map(
      (c) => `  changed  ${c.version}_${c.name}: applied ${c.applied}, file ${c.current}`,
    ),
    ...p.commentsOnly.map(
      (c) =>
        `  edited   ${c.version}_${c.name} (comments only): the ledger keeps ${c.applied}, ` +
        `file ${c.current}`,
    ),
    ...p.missing.map((r) => `  missing  ${r.version}_${r.name} (in the ledger, not in the source)`),
  ];
}

/**
 * Why a run stopped before a contract migration, or '' when nothing was
 * held: the CLI cannot see which code still reads the schema before it.
 */
export function heldLine(p: Plan): string {
  const first = p.held[0];
  if (!first) return '';
  return (
    `stopped before contract migration ${first.version}_${first.name} (${p.held.length} held): ` +
    'it removes what older code may still read, and migrate cannot see what runs against the ' +
    'database; run again with --contract once nothing needs the schema before it'
  );
}

/** What a file's directives make it: no-transaction, contract. */
function marks(m: Migration): string {
  return (m.transactional ? '' : ' (no-transaction)') + (m.contract ? ' (contract)' : '');
}

/** The ledger as plain data. */
export function ledgerJson(rows: LedgerRow[] | null) {
  return (
    rows?.map((r) => ({
      version: r.version,
      name: r.name,
      checksum: r.checksum,
      statementsChecksum: r.statementsChecksum,
      kind: r.kind,
      transactional: r.transactional,
      outOfOrder: r.outOfOrder,
      appliedBy: r.appliedBy,
      finishedAt: r.finishedAt.toISOString(),
      executionMs: r.executionMs,
    })) ?? null
  );
}

/** The repair history as plain data (`status --json`). */
export function repairsJson(repairs: RepairRecord[]) {
  return repairs.map((r) => ({ ...r, repairedAt: r.repairedAt.toISOString() }));
}

/** An error as plain data, with the failure details when a migration failed. */
export function errorJson(err: unknown) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    reason: err instanceof EngineError ? err.reason : 'Error',
    message: e.message,
    exitCode: exitCodeFor(err),
    ...(err instanceof MigrationFailedError ? { failure: err.failure } : {}),
  };
}

/** Writes a JSON document to stdout. */
export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}
