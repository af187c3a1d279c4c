/**
 * `kubectl schema status`: one row per SchemaMigration from its status, the
 * columns a person on call looks for first (is it Ready, at which version,
 * what is pending, why it failed, what it waits for).
 */
import {
  MigrationConditions,
  type Condition,
  type SchemaMigration,
  type SchemaMigrationStatusPlan,
} from '../../api/index.js';
import { age } from './table.js';

/** The column titles; `withNamespace` adds NAMESPACE first (for -A). */
export function migrationHeader(withNamespace: boolean): string[] {
  const cols = ['NAME', 'READY', 'VERSION', 'PENDING', 'FAILURE', 'CONTRACT', 'APPROVAL', 'AGE'];
  return withNamespace ? ['NAMESPACE', ...cols] : cols;
}

/** The cells of one SchemaMigration; `-` where the status says nothing. */
export function migrationRow(obj: SchemaMigration, now: Date, withNamespace: boolean): string[] {
  const s = obj.status ?? {};
  const cells = [
    obj.metadata.name ?? '',
    conditionStatus(s.conditions, MigrationConditions.Ready),
    s.appliedVersion ?? '-',
    String(s.counts?.pending ?? s.pendingVersions?.length ?? '-'),
    failureCell(obj),
    contractCell(obj),
    approvalCell(s.plan),
    age(obj.metadata.creationTimestamp, now),
  ];
  return withNamespace ? [obj.metadata.namespace ?? '', ...cells] : cells;
}

/** `True`, `False` or `Unknown` as the condition says; `-` before the operator wrote one. */
export function conditionStatus(conditions: Condition[] | undefined, type: string): string {
  return conditions?.find((c) => c.type === type)?.status ?? '-';
}

/** `Reason SQLSTATE file:line`, as much as the failure has. */
function failureCell(obj: SchemaMigration): string {
  const f = obj.status?.failure;
  if (!f) return '-';
  const file = f.version ? `${f.version}_${f.name ?? ''}.sql` : undefined;
  const where = file && f.line ? `${file}:${f.line}` : file;
  return [f.reason, f.sqlState, where].filter(Boolean).join(' ');
}

/** `holds 005, 2 pod(s)`: the contract version held and the pods that still need the schema before it. */
function contractCell(obj: SchemaMigration): string {
  const c = obj.status?.contract;
  if (!c) return '-';
  const held = c.waitingVersions[0] ?? '?';
  const deadlock = c.deadlockedPods?.length ? ', deadlock' : '';
  return `holds ${held}, ${c.blockingCount} pod(s)${deadlock}`;
}

/** `waiting <hash>` (its first 12 characters) or `none`. */
function approvalCell(plan: SchemaMigrationStatusPlan | undefined): string {
  return plan ? `waiting ${shortHash(plan.hash)}` : 'none';
}

/** The first 12 characters of a plan hash, enough to tell plans apart on screen. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** Lines under the table when one SchemaMigration is asked for: the whole failure and contract. */
export function migrationDetails(obj: SchemaMigration): string[] {
  const s = obj.status ?? {};
  const lines: string[] = [];
  if (s.failure) {
    lines.push(`failure: ${s.failure.message}`);
    if (s.failure.statement) lines.push(`statement: ${s.failure.statement}`);
  }
  if (s.contract) {
    const pods = (s.contract.blockingPods ?? []).map((p) => p.name).join(', ');
    lines.push(
      `contract: ${s.contract.waitingVersions.join(', ')} waits` +
        (s.contract.neededVersion ? ` (pods need ${s.contract.neededVersion})` : '') +
        (pods ? `; pods: ${pods}` : ''),
    );
  }
  if (s.plan) lines.push(`approval: kubectl schema approve smig/${obj.metadata.name ?? ''}`);
  return lines;
}
