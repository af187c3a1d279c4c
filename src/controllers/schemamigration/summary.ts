/** A plan (plus what a run applied) as the counts and versions status shows. */
import type { SchemaMigration } from '../../api/index.js';
import {
  compareVersions,
  type AppliedMigration,
  type Migration,
  type Plan,
} from '../../engine/index.js';
import type { PlanSummary } from './status.js';

/** Counts after `applied` were applied on top of plan `p`. */
export function planSummary(
  p: Plan,
  migrations: Migration[],
  obj: SchemaMigration,
  applied: AppliedMigration[],
): PlanSummary {
  const done = new Set(applied.map((a) => a.version));
  const pending = p.pending.filter((m) => !done.has(m.version));
  const versions = [...p.applied.map((a) => a.migration.version), ...applied.map((a) => a.version)];
  if (p.baseline) versions.push(p.baseline.version);
  const highest = versions.reduce<string | null>(
    (max, v) => (max === null || compareVersions(v, max) > 0 ? v : max),
    null,
  );
  const last = migrations.at(-1)?.version ?? null;
  return {
    applied: p.applied.length + applied.length,
    pending: pending.length,
    changed: p.changed.length,
    missing: p.missing.length,
    pendingVersions: pending.map((m) => m.version),
    appliedVersion: highest,
    targetVersion: obj.spec.targetVersion ?? last,
  };
}
