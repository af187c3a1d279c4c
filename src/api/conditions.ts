/**
 * The one way status conditions are changed (metav1.Condition semantics, as
 * apimachinery's meta.SetStatusCondition): lastTransitionTime moves only when
 * the status does, so `kubectl wait` and Argo CD see real transitions, and
 * callers learn whether anything changed so they patch status only then.
 */
import type { Condition, ConditionStatus } from './generated.js';

/** What a reconciler decides about one condition; the helper adds the bookkeeping. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  /** CamelCase, for programs (`SQLError`, `SchemaNotReady`). */
  reason: string;
  /** For people; may be empty. */
  message: string;
}

/**
 * Sets `update` in `conditions` in place and returns true when anything
 * changed. A new type is appended (existing order is kept); an existing one
 * is updated where it stands. lastTransitionTime is `now` for a new condition
 * or a changed status, and kept otherwise; observedGeneration is always
 * `observedGeneration`, and a change of it alone counts as a change.
 */
export function setCondition(
  conditions: Condition[],
  update: ConditionUpdate,
  observedGeneration: number,
  now: Date,
): boolean {
  const next: Condition = { ...update, observedGeneration, lastTransitionTime: rfc3339(now) };
  const i = conditions.findIndex((c) => c.type === update.type);
  if (i < 0) {
    conditions.push(next);
    return true;
  }
  const old = conditions[i]!;
  if (old.status === update.status && old.lastTransitionTime) {
    next.lastTransitionTime = old.lastTransitionTime;
  }
  const changed =
    old.status !== next.status ||
    old.reason !== next.reason ||
    old.message !== next.message ||
    old.observedGeneration !== next.observedGeneration ||
    old.lastTransitionTime !== next.lastTransitionTime;
  if (changed) conditions[i] = next;
  return changed;
}

/** The condition of type `type`, or undefined. */
export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * True when the condition of type `type` has status True and, when
 * `generation` is given, was set for that generation (so a status written
 * before the last spec change does not count: `kubectl wait` semantics plus
 * the observedGeneration check Argo CD and the pod gate need).
 */
export function isConditionTrue(
  conditions: readonly Condition[] | undefined,
  type: string,
  generation?: number,
): boolean {
  const c = getCondition(conditions, type);
  if (c?.status !== 'True') return false;
  return generation === undefined || c.observedGeneration === generation;
}

/** metav1.Time on the wire: RFC 3339 in UTC with whole seconds. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
