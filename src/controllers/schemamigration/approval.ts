/**
 * Approval of risky plans (spec.approval, docs/operator.md "Approval"). The
 * engine asks the hook built here with the plan, under the migration lock and
 * before anything is written; it says yes when the plan needs no approval or
 * the approve annotation carries the plan's hash. Otherwise the run stops
 * there and the CR shows the waiting plan (status.plan), with the lint
 * findings of its pending files and their tables' sizes.
 *
 * An annotation is only ever an approval of one hash: a plan with new files,
 * an edited file, another target or a database that moved on has another
 * hash, so the annotation left after a run approves nothing further.
 */
import {
  APPROVE_ANNOTATION,
  type SchemaMigration,
  type SchemaMigrationStatusPlan,
  type SchemaMigrationStatusPlanFinding,
} from '../../api/index.js';
import {
  planHash,
  type ApprovalDatabase,
  type LintFinding,
  type Plan,
} from '../../engine/index.js';

/** spec.approval, with its default. */
export type ApprovalMode = NonNullable<SchemaMigration['spec']['approval']>;

/** The condition reason (and phase) of a waiting plan. */
export const AWAITING_APPROVAL = 'AwaitingApproval';

/** What the hook decided for one plan. */
export type ApprovalVerdict = 'run' | 'wait' | 'stale';

/** The decision table: whether a plan must wait, and whether its annotation approves it. */
export function approvalVerdict(i: {
  mode: ApprovalMode;
  pending: number;
  findings: number;
  hash: string;
  annotation: string | undefined;
}): ApprovalVerdict {
  const needed = i.pending > 0 && (i.mode === 'Always' || (i.mode === 'Risky' && i.findings > 0));
  if (!needed) return 'run';
  if (i.annotation === undefined || i.annotation === '') return 'wait';
  return i.annotation.trim() === i.hash ? 'run' : 'stale';
}

/** A plan that waits: what status.plan shows and how to approve it. */
export interface ApprovalWait {
  plan: SchemaMigrationStatusPlan;
  message: string;
  /** The annotation's hash when it names another plan. */
  staleHash?: string;
}

/** Builds the engine's approve hook for `obj`; `waiting` learns of a plan that waits. */
export function approveHook(
  obj: SchemaMigration,
  waiting: (w: ApprovalWait) => void,
): (p: Plan, db: ApprovalDatabase) => Promise<boolean> {
  const mode: ApprovalMode = obj.spec.approval ?? 'Automatic';
  const annotation = obj.metadata.annotations?.[APPROVE_ANNOTATION];
  return async (p, db) => {
    const findings = mode === 'Automatic' ? [] : await db.lint(p.pending);
    const hash = planHash(p, obj.spec.targetVersion);
    const verdict = approvalVerdict({
      mode,
      pending: p.pending.length,
      findings: findings.length,
      hash,
      annotation,
    });
    if (verdict === 'run') return true;
    const plan = await statusPlan(p, hash, obj.spec.targetVersion, findings, db);
    const name = obj.metadata.name ?? '';
    const message =
      `plan ${hash} waits for approval (spec.approval ${mode}): ` +
      `kubectl annotate smig ${name} ${APPROVE_ANNOTATION}=${hash} --overwrite`;
    waiting({ plan, message, ...(verdict === 'stale' ? { staleHash: annotation!.trim() } : {}) });
    return false;
  };
}

/** The most findings and files status.plan shows (the CRD's maxItems). */
const SHOWN = 100;

/** The waiting plan as status shows it, findings with their tables' sizes. */
export async function statusPlan(
  p: Plan,
  hash: string,
  target: string | undefined,
  findings: LintFinding[],
  db: ApprovalDatabase,
): Promise<SchemaMigrationStatusPlan> {
  const sizes = await db.tableSizes(findings.flatMap((f) => (f.table ? [f.table] : [])));
  return {
    hash,
    ...(p.highestApplied ? { from: p.highestApplied } : {}),
    ...(target ? { target } : {}),
    files: p.pending
      .slice(0, SHOWN)
      .map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })),
    findings: findings.slice(0, SHOWN).map((f): SchemaMigrationStatusPlanFinding => {
      const size = f.table ? sizes.get(f.table) : undefined;
      return {
        file: f.file,
        line: f.line,
        rule: f.rule,
        message: f.message,
        ...(f.lock ? { lock: f.lock } : {}),
        ...(f.rewrites !== undefined ? { rewrites: f.rewrites } : {}),
        ...(f.scans !== undefined ? { scans: f.scans } : {}),
        ...(f.table ? { table: f.table } : {}),
        ...(size?.estimatedRows != null ? { estimatedRows: size.estimatedRows } : {}),
        ...(size ? { sizeBytes: size.sizeBytes } : {}),
      };
    }),
  };
}
