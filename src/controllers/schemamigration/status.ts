/**
 * Status setters of a SchemaMigration (DESIGN section 4), next to nothing
 * else: pure functions from the old status and what happened to the new one.
 * The reconciler writes the result only when it differs from what is stored.
 *
 * Conditions: Applied (every target migration applied), Failed (with the
 * reason), Ready (Applied and observedGeneration current), Reconciling (work
 * in progress, kstatus), Stalled (failed and waiting for a change, kstatus).
 *
 * A transient error (the database unreachable, the lock busy, the deadline)
 * on a schema that is Ready for this generation does not take Ready away:
 * nothing about the schema changed, so gated pods and Organizations must
 * not wait on a network blip (`markRetrying`). Domain failures do.
 */
import {
  MigrationConditions as C,
  setCondition,
  type SchemaMigrationStatus,
} from '../../api/index.js';
import type { Condition, MigrationFailure } from '../../api/index.js';

/** What the plan says, as status counts. */
export interface PlanSummary {
  applied: number;
  pending: number;
  changed: number;
  missing: number;
  pendingVersions: string[];
  appliedVersion: string | null;
  targetVersion: string | null;
}

/** The first few pending versions shown in status. */
export const PENDING_SHOWN = 10;

const TYPES = [C.Applied, C.Failed, C.Ready, C.Reconciling, C.Stalled];

/** A deep copy to change; conditions Unknown on the first visit. */
export function startStatus(
  old: SchemaMigrationStatus | undefined,
  generation: number,
  now: Date,
): SchemaMigrationStatus {
  const s: SchemaMigrationStatus = structuredClone(old ?? {});
  s.conditions ??= [];
  for (const type of TYPES) {
    if (!s.conditions.some((c) => c.type === type)) {
      setCondition(
        s.conditions,
        { type, status: 'Unknown', reason: 'Reconciling', message: '' },
        generation,
        now,
      );
    }
  }
  s.phase ??= 'Pending';
  return s;
}

function set(
  s: SchemaMigrationStatus,
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  gen: number,
  now: Date,
) {
  setCondition(s.conditions!, { type, status, reason, message }, gen, now);
}

/** Counts and versions from a plan, whatever the outcome (a failed run's status must not show stale counts). */
export function applyPlan(s: SchemaMigrationStatus, p: PlanSummary): void {
  s.counts = { applied: p.applied, pending: p.pending, changed: p.changed, missing: p.missing };
  s.pendingVersions = p.pendingVersions.slice(0, PENDING_SHOWN);
  if (p.appliedVersion) s.appliedVersion = p.appliedVersion;
  if (p.targetVersion) s.targetVersion = p.targetVersion;
}

/** Work is starting or going on: pending migrations are being applied. */
export function markApplying(
  s: SchemaMigrationStatus,
  p: PlanSummary,
  gen: number,
  now: Date,
): void {
  applyPlan(s, p);
  s.phase = 'Applying';
  const what =
    `applying ${p.pending} pending migration(s)` +
    (p.pendingVersions[0] ? `, next ${p.pendingVersions[0]}` : '');
  set(s, C.Reconciling, 'True', 'Progressing', what, gen, now);
  set(s, C.Applied, 'False', 'Pending', what, gen, now);
  set(s, C.Ready, 'False', 'Progressing', what, gen, now);
  set(s, C.Stalled, 'False', 'Progressing', '', gen, now);
}

/** Every target migration is applied. */
export function markApplied(
  s: SchemaMigrationStatus,
  p: PlanSummary,
  gen: number,
  now: Date,
): void {
  applyPlan(s, p);
  s.phase = 'Applied';
  s.observedGeneration = gen;
  delete s.failure;
  const at = `database at version ${p.appliedVersion ?? '(none)'}`;
  set(s, C.Applied, 'True', 'Applied', at, gen, now);
  set(s, C.Failed, 'False', 'Succeeded', '', gen, now);
  set(s, C.Ready, 'True', 'Applied', at, gen, now);
  set(s, C.Reconciling, 'False', 'Applied', '', gen, now);
  set(s, C.Stalled, 'False', 'Applied', '', gen, now);
}

/** A failure: `terminal` ones wait for a change (Stalled), the others are retried (Reconciling). */
export function markFailed(
  s: SchemaMigrationStatus,
  failure: Omit<MigrationFailure, 'since'>,
  terminal: boolean,
  gen: number,
  now: Date,
): void {
  s.phase = 'Failed';
  s.observedGeneration = gen;
  const same =
    s.failure && s.failure.reason === failure.reason && s.failure.version === failure.version;
  s.failure = {
    ...failure,
    since: same ? s.failure!.since : now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const msg = failure.message;
  set(s, C.Failed, 'True', failure.reason, msg, gen, now);
  set(s, C.Applied, 'False', failure.reason, msg, gen, now);
  set(s, C.Ready, 'False', failure.reason, msg, gen, now);
  if (terminal) {
    set(
      s,
      C.Stalled,
      'True',
      failure.reason,
      `${msg}; waiting for a change of the spec or source, or the retry annotation`,
      gen,
      now,
    );
    set(s, C.Reconciling, 'False', failure.reason, '', gen, now);
  } else {
    set(s, C.Stalled, 'False', failure.reason, '', gen, now);
    set(s, C.Reconciling, 'True', 'Retrying', `retrying: ${msg}`, gen, now);
  }
}

/** spec.suspend: no work, and the conditions say so. */
export function markSuspended(s: SchemaMigrationStatus, gen: number, now: Date): void {
  s.observedGeneration = gen;
  set(
    s,
    C.Reconciling,
    'False',
    'Suspended',
    'spec.suspend is true: no migrations run until it is false',
    gen,
    now,
  );
}

/**
 * A transient failure while the schema is Ready for this generation: Ready,
 * Applied, Failed and the phase stay as they are; Reconciling=True says what
 * failed (the failure's reason, `retrying: <message>`).
 */
export function markRetrying(
  s: SchemaMigrationStatus,
  failure: Omit<MigrationFailure, 'since'>,
  gen: number,
  now: Date,
): void {
  set(s, C.Reconciling, 'True', failure.reason, `retrying: ${failure.message}`, gen, now);
  set(s, C.Stalled, 'False', failure.reason, '', gen, now);
}
