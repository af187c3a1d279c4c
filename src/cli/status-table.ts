/**
 * What `status` prints as text: the ledger as an aligned table, then the
 * repair history. Columns are as wide as their widest cell, names are cut
 * at NAME_WIDTH so one long file name cannot push the flags off the screen.
 */
import type { LedgerRow, Plan, RepairRecord } from '../engine/index.js';
import { alignRows as align } from './align.js';
import { contractVersions } from './report.js';

/** The widest a name (or reason) cell gets; longer ones end in `…`. */
export const NAME_WIDTH = 40;

/** Rows of cells as lines, as `status` indents them. */
export function alignRows(rows: string[][], indent = '  '): string[] {
  return align(rows, { indent });
}

/** `text` cut to `width` characters, the last one `…` when cut. */
export function cut(text: string, width = NAME_WIDTH): string {
  return text.length <= width ? text : text.slice(0, width - 1) + '…';
}

/** The flags of a ledger row, in a fixed order. */
export function rowFlags(
  r: LedgerRow,
  ctx: { contracts: Set<string>; repaired: Set<string>; commentsOnly: Set<string> },
): string[] {
  return [
    ctx.contracts.has(r.version) ? 'contract' : '',
    r.kind === 'baseline' ? 'baseline' : '',
    r.outOfOrder ? 'out of order' : '',
    r.transactional ? '' : 'no-transaction',
    ctx.repaired.has(r.version) ? 'repaired' : '',
    ctx.commentsOnly.has(r.version) ? 'edited (comments only)' : '',
  ].filter(Boolean);
}

/** The ledger table: a header, then one line per row. */
export function ledgerTable(rows: LedgerRow[], plan: Plan, repairs: RepairRecord[]): string[] {
  const ctx = {
    contracts: new Set(contractVersions(plan)),
    repaired: new Set(repairs.map((r) => r.version)),
    commentsOnly: new Set(plan.commentsOnly.map((c) => c.version)),
  };
  return alignRows([
    ['VERSION', 'NAME', 'APPLIED AT', 'DURATION', 'FLAGS'],
    ...rows.map((r) => [
      r.version,
      cut(r.name),
      timestamp(r.finishedAt),
      `${r.executionMs} ms`,
      rowFlags(r, ctx).join(', '),
    ]),
  ]);
}

/** The repair history table, or nothing when there were no repairs. */
export function repairsTable(repairs: RepairRecord[]): string[] {
  if (repairs.length === 0) return [];
  return [
    'repairs:',
    ...alignRows([
      ['VERSION', 'CHECKSUM', 'BY', 'AT', 'REASON'],
      ...repairs.map((r) => [
        r.version,
        `${short(r.oldChecksum)} -> ${short(r.newChecksum)}`,
        cut(r.repairedBy),
        timestamp(r.repairedAt),
        cut(r.reason.replace(/\s+/g, ' '), 60),
      ]),
    ]),
  ];
}

/** `sha256:0123456789ab`: enough to tell two checksums apart by eye. */
export function short(sum: string): string {
  const at = sum.indexOf(':');
  return at < 0 ? sum.slice(0, 12) : sum.slice(0, at + 13);
}

/** `2026-01-02 03:04:06Z`: to the second, UTC. */
function timestamp(d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}
