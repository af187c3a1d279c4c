/**
 * Events of an Organization: one per transition of its Ready condition
 * (Active, Suspended, SchemaNotReady, Conflict, NameConflict, Terminating,
 * ...), not one per reconcile, so a fleet at rest records nothing. Warnings
 * are what needs a person: conflicts, refusals, stalls and database errors.
 */
import {
  getCondition,
  OrganizationConditions as C,
  type Condition,
  type Organization,
  type OrganizationStatus,
} from '../../api/index.js';
import type { EventRecorder, EventSubject, EventType } from '../../kube/index.js';
import { STALLED } from './status.js';

/** Reasons that ask a person to act. */
const WARNINGS = new Set(['DatabaseError', 'DeletionBlocked', 'DefaultOrgProtected']);

/** Records an Event when Ready's status or reason differs between `before` (as stored) and `next`. */
export function recordTransition(
  events: EventRecorder,
  org: Organization,
  before: Condition | undefined,
  next: OrganizationStatus,
): void {
  const after = getCondition(next.conditions, C.Ready);
  if (!after || after.status === 'Unknown') return;
  if (before?.status === after.status && before.reason === after.reason) return;
  const stalled = getCondition(next.conditions, STALLED)?.status === 'True';
  const warn = next.phase === 'Conflict' || stalled || WARNINGS.has(after.reason);
  void events.record(subject(org), warn ? 'Warning' : 'Normal', after.reason, after.message);
}

/** Records one Event about `org` (deletion outcomes, which no later status shows). */
export function recordEvent(
  events: EventRecorder,
  org: Organization,
  type: EventType,
  reason: string,
  note: string,
): void {
  void events.record(subject(org), type, reason, note);
}

/** What an Event is about: the org's identity only. */
function subject(org: Organization): EventSubject {
  const { name, uid, resourceVersion } = org.metadata;
  return { apiVersion: org.apiVersion, kind: org.kind, metadata: { name, uid, resourceVersion } };
}
