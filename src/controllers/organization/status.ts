/**
 * Status setters of an Organization (DESIGN section 5): pure functions from
 * the old status and what happened to the new one; the reconciler writes the
 * result only when it differs from what is stored.
 *
 * Conditions: NamespaceReady, DatabaseSynced (the row is written), Suspended,
 * Ready (both of the first two, for the current generation), and Stalled
 * (kstatus: deletion waits for a person). The phase is a printer column
 * derived from them.
 */
import {
  OrganizationConditions as C,
  setCondition,
  type Condition,
  type OrganizationStatus,
} from '../../api/index.js';

/** The Stalled condition (kstatus); not one of the four every org carries. */
export const STALLED = 'Stalled';

const TYPES = [C.Ready, C.NamespaceReady, C.DatabaseSynced, C.Suspended];

/** A deep copy to change; the four conditions Unknown on the first visit; observedGeneration current. */
export function startStatus(
  old: OrganizationStatus | undefined,
  gen: number,
  now: Date,
): OrganizationStatus {
  const s: OrganizationStatus = structuredClone(old ?? {});
  s.conditions ??= [];
  for (const type of TYPES)
    if (!s.conditions.some((c) => c.type === type))
      set(s, type, 'Unknown', 'Reconciling', '', gen, now);
  s.phase ??= 'Pending';
  s.observedGeneration = gen;
  return s;
}

function set(
  s: OrganizationStatus,
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  gen: number,
  now: Date,
): void {
  setCondition(s.conditions!, { type, status, reason, message }, gen, now);
}

/** The namespace is there and ours to use. */
export function markNamespaceReady(
  s: OrganizationStatus,
  namespace: string,
  message: string,
  gen: number,
  now: Date,
): void {
  s.namespace = namespace;
  set(s, C.NamespaceReady, 'True', 'Ensured', message, gen, now);
}

/** The row is written; Ready follows. */
export function markSynced(s: OrganizationStatus, suspended: boolean, gen: number, now: Date) {
  set(s, C.DatabaseSynced, 'True', 'Synced', 'row written', gen, now);
  if (suspended) {
    s.phase = 'Suspended';
    set(s, C.Suspended, 'True', 'Suspended', 'spec.suspended is true', gen, now);
    set(s, C.Ready, 'True', 'Suspended', 'the organization is suspended', gen, now);
  } else {
    s.phase = 'Active';
    set(s, C.Suspended, 'False', 'Active', '', gen, now);
    set(s, C.Ready, 'True', 'Active', `active in namespace ${s.namespace ?? ''}`, gen, now);
  }
  clearStalled(s, gen, now);
}

/** Waiting for something that will come by itself (schema, Secret, namespace going away). */
export function markPending(
  s: OrganizationStatus,
  on: 'namespace' | 'database',
  reason: string,
  message: string,
  gen: number,
  now: Date,
): void {
  s.phase = 'Pending';
  set(
    s,
    on === 'namespace' ? C.NamespaceReady : C.DatabaseSynced,
    'False',
    reason,
    message,
    gen,
    now,
  );
  set(s, C.Ready, 'False', reason, message, gen, now);
}

/**
 * Someone else holds what the org asks for (a namespace, a name), or the
 * spec asks for what is refused (a reserved or changed namespace): nothing
 * is taken over; a person resolves it.
 */
export function markConflict(
  s: OrganizationStatus,
  on: 'namespace' | 'database',
  reason: string,
  message: string,
  gen: number,
  now: Date,
): void {
  markPending(s, on, reason, message, gen, now);
  s.phase = 'Conflict';
}

/** Deletion under way (finalizer held). */
export function markTerminating(s: OrganizationStatus, message: string, gen: number, now: Date) {
  s.phase = 'Terminating';
  set(s, C.Ready, 'False', 'Terminating', message, gen, now);
}

/** Deletion cannot go on without a person (rows still reference the org). */
export function markStalled(
  s: OrganizationStatus,
  reason: string,
  message: string,
  gen: number,
  now: Date,
): void {
  markTerminating(s, message, gen, now);
  set(s, STALLED, 'True', reason, message, gen, now);
}

function clearStalled(s: OrganizationStatus, gen: number, now: Date): void {
  if (s.conditions!.some((c) => c.type === STALLED))
    set(s, STALLED, 'False', 'Progressing', '', gen, now);
}
