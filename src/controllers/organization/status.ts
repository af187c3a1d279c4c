/**
 * Status setters of an Organization (DESIGN section 5): no I/O, only the
 * old status and what happened making the new one, bound to the reconcile's
 * generation and time once (`statusFor`); the reconciler writes the result
 * only when it differs from what is stored.
 *
 * Conditions: NamespaceReady, DatabaseSynced (the row is written), Suspended,
 * Ready (both of the first two, for the current generation), Stalled
 * (kstatus: deletion waits for a person) and PolicyApplied (the class's
 * objects; deliberately not part of Ready, which keeps meaning "row and
 * namespace are there"). The phase is a printer column derived from them.
 */
import {
  getCondition,
  OrganizationConditions as C,
  type OrganizationStatus,
} from '../../api/index.js';
import { StatusBuilder, type StatusStamp } from '../status-builder.js';

/** The Stalled condition (kstatus); not one of the four every org carries. */
export const STALLED = 'Stalled';

const TYPES = [C.Ready, C.NamespaceReady, C.DatabaseSynced, C.Suspended];

/** The PolicyApplied condition's status, reason and message. */
export interface PolicyOutcome {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** Why an org waits or is refused, and on what. */
export interface Holdup {
  /** The condition it holds up: NamespaceReady or DatabaseSynced. */
  on: 'namespace' | 'database';
  reason: string;
  message: string;
}

/**
 * The status of one reconcile: a deep copy of the stored one (the four
 * conditions Unknown on the first visit, observedGeneration current) and
 * the setters for what happened, all stamped with the reconcile's
 * generation and time.
 */
export class OrgStatus extends StatusBuilder<OrganizationStatus> {
  constructor(old: OrganizationStatus | undefined, stamp: StatusStamp) {
    super(old, stamp, TYPES);
    this.status.observedGeneration = stamp.generation;
  }

  /** The namespace is there and ours to use. */
  namespaceReady(o: { namespace: string; message: string }): void {
    this.status.namespace = o.namespace;
    this.set(C.NamespaceReady, { status: 'True', reason: 'Ensured', message: o.message });
  }

  /** The row is written; Ready follows. */
  synced(o: { suspended: boolean }): void {
    const s = this.status;
    this.set(C.DatabaseSynced, { status: 'True', reason: 'Synced', message: 'row written' });
    if (o.suspended) {
      s.phase = 'Suspended';
      this.set(C.Suspended, {
        status: 'True',
        reason: 'Suspended',
        message: 'spec.suspended is true',
      });
      this.set(C.Ready, {
        status: 'True',
        reason: 'Suspended',
        message: 'the organization is suspended',
      });
    } else {
      s.phase = 'Active';
      this.set(C.Suspended, { status: 'False', reason: 'Active' });
      this.set(C.Ready, {
        status: 'True',
        reason: 'Active',
        message: `active in namespace ${s.namespace ?? ''}`,
      });
    }
    if (getCondition(s.conditions, STALLED))
      this.set(STALLED, { status: 'False', reason: 'Progressing' });
  }

  /** Waiting for something that will come by itself (schema, Secret, namespace going away). */
  pending(h: Holdup): void {
    this.status.phase = 'Pending';
    const { reason, message } = h;
    this.set(h.on === 'namespace' ? C.NamespaceReady : C.DatabaseSynced, {
      status: 'False',
      reason,
      message,
    });
    this.set(C.Ready, { status: 'False', reason, message });
  }

  /**
   * Someone else holds what the org asks for (a namespace, a name), or the
   * spec asks for what is refused (a reserved or changed namespace): nothing
   * is taken over; a person resolves it.
   */
  conflict(h: Holdup): void {
    this.pending(h);
    this.status.phase = 'Conflict';
  }

  /**
   * The class's policy outcome: `className` in use ('' for none) and, when
   * written, the class generation applied (kept as it was otherwise, so the
   * class controller sees which generation the namespace holds).
   */
  policy(o: { className: string; classGeneration?: number; verdict: PolicyOutcome }): void {
    this.status.className = o.className;
    if (o.classGeneration !== undefined) this.status.classGeneration = o.classGeneration;
    this.set(C.PolicyApplied, o.verdict);
  }

  /** Deletion under way (finalizer held). */
  terminating(o: { message: string }): void {
    this.status.phase = 'Terminating';
    this.set(C.Ready, { status: 'False', reason: 'Terminating', message: o.message });
  }

  /** Deletion cannot go on without a person (rows still reference the org). */
  stalled(o: { reason: string; message: string }): void {
    this.terminating(o);
    this.set(STALLED, { status: 'True', reason: o.reason, message: o.message });
  }
}

/** An OrgStatus for `old`, stamped with `stamp`. */
export function statusFor(old: OrganizationStatus | undefined, stamp: StatusStamp): OrgStatus {
  return new OrgStatus(old, stamp);
}
