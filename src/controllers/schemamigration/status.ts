/**
 * Status setters of a SchemaMigration (DESIGN section 4), next to nothing
 * else: no I/O, only the old status and what happened making the new one.
 * The reconciler binds the generation and time once per reconcile
 * (`statusFor`) and writes the result only when it differs from what is stored.
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
  type SchemaMigrationStatus,
  type SchemaMigrationStatusContract,
  type SchemaMigrationStatusDrift,
  type SchemaMigrationStatusPlan,
} from '../../api/index.js';
import { StatusBuilder, type StatusStamp } from '../status-builder.js';
import type { MigrationFailure } from '../../api/index.js';

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

/** A failure as the setters take it. */
export interface FailureUpdate {
  failure: Omit<MigrationFailure, 'since'>;
  /** Waits for a change (Stalled) rather than being retried (Reconciling). */
  terminal: boolean;
}

/**
 * The status of one reconcile: a deep copy of the stored one (conditions
 * Unknown on the first visit) and the setters for what happened, all
 * stamped with the reconcile's generation and time.
 */
export class MigrationStatus extends StatusBuilder<SchemaMigrationStatus> {
  constructor(old: SchemaMigrationStatus | undefined, stamp: StatusStamp) {
    super(old, stamp, TYPES);
  }

  /** Counts and versions from a plan, whatever the outcome (a failed run's status must not show stale counts). */
  plan(p: PlanSummary): void {
    const s = this.status;
    s.counts = { applied: p.applied, pending: p.pending, changed: p.changed, missing: p.missing };
    s.pendingVersions = p.pendingVersions.slice(0, PENDING_SHOWN);
    if (p.appliedVersion) s.appliedVersion = p.appliedVersion;
    if (p.targetVersion) s.targetVersion = p.targetVersion;
  }

  /** Work is starting or going on: pending migrations are being applied. */
  applying(p: PlanSummary): void {
    this.plan(p);
    this.status.phase = 'Applying';
    const message =
      `applying ${p.pending} pending migration(s)` +
      (p.pendingVersions[0] ? `, next ${p.pendingVersions[0]}` : '');
    this.set(C.Reconciling, { status: 'True', reason: 'Progressing', message });
    this.set(C.Applied, { status: 'False', reason: 'Pending', message });
    this.set(C.Ready, { status: 'False', reason: 'Progressing', message });
    this.set(C.Stalled, { status: 'False', reason: 'Progressing' });
  }

  /** One more migration applied during a run (progress; the final status follows). */
  migrationApplied(m: { version: string; name: string; checksum: string; durationMs: number }) {
    this.status.appliedVersion = m.version;
    this.status.lastApplied = { ...m, appliedAt: rfc3339(this.stamp.now) };
  }

  /** Every target migration is applied. */
  applied(p: PlanSummary): void {
    this.plan(p);
    const s = this.status;
    s.phase = 'Applied';
    s.observedGeneration = this.stamp.generation;
    delete s.failure;
    delete s.plan;
    const message = `database at version ${p.appliedVersion ?? '(none)'}`;
    this.set(C.Applied, { status: 'True', reason: 'Applied', message });
    this.set(C.Failed, { status: 'False', reason: 'Succeeded' });
    this.set(C.Ready, { status: 'True', reason: 'Applied', message });
    this.set(C.Reconciling, { status: 'False', reason: 'Applied' });
    this.set(C.Stalled, { status: 'False', reason: 'Applied' });
  }

  /**
   * A plan waits for approval (spec.approval): nothing of it ran. Ready is
   * False with reason AwaitingApproval, and observedGeneration is current, so
   * readers that only need the applied version (schema-ready.ts) can tell
   * this from work in progress.
   */
  awaitingApproval(p: PlanSummary, plan: SchemaMigrationStatusPlan, message: string): void {
    this.plan(p);
    const s = this.status;
    s.phase = 'AwaitingApproval';
    s.observedGeneration = this.stamp.generation;
    s.plan = plan;
    delete s.failure;
    const reason = 'AwaitingApproval';
    this.set(C.Applied, { status: 'False', reason, message });
    this.set(C.Failed, { status: 'False', reason });
    this.set(C.Ready, { status: 'False', reason, message });
    this.set(C.Reconciling, { status: 'False', reason });
    this.set(C.Stalled, { status: 'False', reason });
  }

  /** A failure: `terminal` ones wait for a change (Stalled), the others are retried (Reconciling). */
  failed({ failure, terminal }: FailureUpdate): void {
    const s = this.status;
    s.phase = 'Failed';
    s.observedGeneration = this.stamp.generation;
    const same =
      s.failure && s.failure.reason === failure.reason && s.failure.version === failure.version;
    s.failure = { ...failure, since: same ? s.failure!.since : rfc3339(this.stamp.now) };
    const { reason, message } = failure;
    this.set(C.Failed, { status: 'True', reason, message });
    this.set(C.Applied, { status: 'False', reason, message });
    this.set(C.Ready, { status: 'False', reason, message });
    if (terminal) {
      this.set(C.Stalled, {
        status: 'True',
        reason,
        message: `${message}; waiting for a change of the spec or source, or the retry annotation`,
      });
      this.set(C.Reconciling, { status: 'False', reason });
    } else {
      this.set(C.Stalled, { status: 'False', reason });
      this.set(C.Reconciling, {
        status: 'True',
        reason: 'Retrying',
        message: `retrying: ${message}`,
      });
    }
  }

  /**
   * A contract migration waits for pods (after `applied`, which leaves Ready
   * and Applied True: what waits is not yet due); a deadlock says so in the
   * reason, for Argo CD's health.
   */
  contractWaiting(contract: SchemaMigrationStatusContract, message: string): void {
    this.status.contract = contract;
    const reason = contract.deadlockedPods?.length ? 'ContractDeadlock' : 'WaitingForRollout';
    this.set(C.ContractPending, { status: 'True', reason, message });
  }

  /** No contract migration waits: status.contract goes, and ContractPending is False if it was ever set. */
  noContractWaiting(): void {
    delete this.status.contract;
    if (this.status.conditions?.some((c) => c.type === C.ContractPending))
      this.set(C.ContractPending, {
        status: 'False',
        reason: 'NoContractWaiting',
        message: 'no contract migration waits for pods',
      });
  }

  /** The live schema differs from the fingerprint: status.drift and Drifted=True (Ready untouched). */
  drifted(drift: SchemaMigrationStatusDrift, message: string): void {
    this.status.drift = drift;
    this.set(C.Drifted, { status: 'True', reason: 'SchemaDrift', message });
  }

  /** No drift: status.drift goes, and Drifted is False if it was ever set. */
  noDrift(): void {
    delete this.status.drift;
    if (this.status.conditions?.some((c) => c.type === C.Drifted))
      this.set(C.Drifted, {
        status: 'False',
        reason: 'NoDrift',
        message: 'the schema matches the fingerprint recorded after the last run',
      });
  }

  /** spec.suspend: no work, and the conditions say so. */
  suspended(): void {
    this.status.observedGeneration = this.stamp.generation;
    this.set(C.Reconciling, {
      status: 'False',
      reason: 'Suspended',
      message: 'spec.suspend is true: no migrations run until it is false',
    });
  }

  /**
   * A transient failure while the schema is Ready for this generation: Ready,
   * Applied, Failed and the phase stay as they are; Reconciling=True says what
   * failed (the failure's reason, `retrying: <message>`).
   */
  retrying({ failure }: Pick<FailureUpdate, 'failure'>): void {
    const { reason, message } = failure;
    this.set(C.Reconciling, { status: 'True', reason, message: `retrying: ${message}` });
    this.set(C.Stalled, { status: 'False', reason });
  }
}

/** A MigrationStatus for `old`, stamped with `stamp`. */
export function statusFor(
  old: SchemaMigrationStatus | undefined,
  stamp: StatusStamp,
): MigrationStatus {
  return new MigrationStatus(old, stamp);
}

/** metav1.Time on the wire: RFC 3339 in UTC with whole seconds. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
