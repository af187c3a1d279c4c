/**
 * The ledger row a baseline records, on its own so a run can plan with it
 * without loading what inspecting a database needs (the linter).
 */
import type { LedgerRow } from './ledger.js';

/** The row `--baseline V` would record, for planning before it exists. */
export function virtualBaseline(version: string): LedgerRow {
  const now = new Date();
  return {
    installedRank: 0,
    version,
    name: 'baseline',
    checksum: '',
    statementsChecksum: null,
    kind: 'baseline',
    transactional: true,
    outOfOrder: false,
    appliedBy: '',
    startedAt: now,
    finishedAt: now,
    executionMs: 0,
  };
}
