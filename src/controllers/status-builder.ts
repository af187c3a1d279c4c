/**
 * What the status setters of every kind share: a deep copy of the stored
 * status to change, its conditions Unknown on the first visit, and one way to
 * set a condition (api/conditions.ts's setCondition), stamped with the
 * reconcile's generation and time once instead of on every call.
 */
import { setCondition, type Condition, type ConditionStatus } from '../api/index.js';

/** When a status is written: the generation it is for and the time of the reconcile, bound once. */
export interface StatusStamp {
  generation: number;
  now: Date;
}

/** A condition as the setters give it; the type, generation and time are added here. */
export interface ConditionValue {
  status: ConditionStatus;
  /** CamelCase, for programs. */
  reason: string;
  /** For people; empty when omitted. */
  message?: string;
}

/** The part of a status this base class reads and writes. */
export interface ConditionedStatus {
  conditions?: Condition[];
  phase?: string;
}

/** The status of one reconcile, being built; subclasses add the setters of their kind. */
export abstract class StatusBuilder<S extends ConditionedStatus> {
  /** The status being built; the reconciler writes it. */
  readonly status: S;

  /** A copy of `old` with every one of `types` present (Unknown when new) and a phase (Pending when none). */
  protected constructor(
    old: S | undefined,
    protected readonly stamp: StatusStamp,
    types: readonly string[],
  ) {
    const s = structuredClone(old ?? ({} as S));
    s.conditions ??= [];
    this.status = s;
    for (const type of types)
      if (!s.conditions.some((c) => c.type === type))
        this.set(type, { status: 'Unknown', reason: 'Reconciling' });
    s.phase ??= 'Pending';
  }

  /** Sets the condition `type`; its lastTransitionTime moves only when its status does. */
  protected set(type: string, c: ConditionValue): void {
    const update = { type, status: c.status, reason: c.reason, message: c.message ?? '' };
    setCondition(this.status.conditions!, update, this.stamp.generation, this.stamp.now);
  }
}
