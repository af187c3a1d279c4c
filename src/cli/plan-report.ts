/**
 * What `plan` adds for approval (docs/operator.md "Approval"): the plan hash
 * the operator's approve annotation must carry, and the lint findings of the
 * pending files with each table's lock, rewrite, scan and size. The hash is
 * the operator's own function, so the hash printed here approves the same
 * plan in the cluster (given the same files, target and database).
 */
import type { LintFinding } from '../engine/lint.js';
import type { Plan } from '../engine/plan.js';
import { planHash } from '../engine/plan-hash.js';
import type { TableSize } from '../engine/table-size.js';

/** A finding with its table's estimates (absent when unknown). */
export interface SizedFinding extends LintFinding {
  estimatedRows?: number;
  sizeBytes?: number;
}

/** The hash and the sized findings of plan `p`. */
export function approvalInfo(
  p: Plan,
  target: string | undefined,
  found: { findings: LintFinding[]; tableSizes: Map<string, TableSize> },
): { hash: string; findings: SizedFinding[] } {
  const sizes = found.tableSizes;
  const findings = found.findings.map((f): SizedFinding => {
    const size = f.table ? sizes.get(f.table) : undefined;
    if (!size) return f;
    return {
      ...f,
      ...(size.estimatedRows !== null ? { estimatedRows: size.estimatedRows } : {}),
      sizeBytes: size.sizeBytes,
    };
  });
  return { hash: planHash(p, target), findings };
}

/** The text lines: the hash, then one line per finding (`unknown` for what lint could not tell). */
export function approvalLines(info: { hash: string; findings: SizedFinding[] }): string[] {
  return [
    `plan hash: ${info.hash}`,
    ...info.findings.map(
      (f) =>
        `  finding  ${f.file}:${f.line} ${f.rule}: lock ${f.lock ?? 'unknown'}, ` +
        `rewrites ${yesNo(f.rewrites)}, scans ${yesNo(f.scans)}, table ${f.table ?? 'unknown'}` +
        `, rows ~${f.estimatedRows ?? 'unknown'}, size ${f.sizeBytes ?? 'unknown'} bytes`,
    ),
  ];
}

function yesNo(b: boolean | undefined): string {
  return b === undefined ? 'unknown' : b ? 'yes' : 'no';
}
