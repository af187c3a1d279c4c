/**
 * The arithmetic of a rolling update, as kube-controller-manager's
 * deployment controller does it (`rolling.go`, `deployment/util`): how far
 * the new ReplicaSet may grow and how far the old ones may shrink. Pure
 * functions over replica counts, so the rules are tested by tables.
 */

/** An `IntOrString` of a rolling update: a count or a percentage ("25%"). */
export type IntOrPercent = number | string | undefined;

/** The default of both maxSurge and maxUnavailable. */
export const DEFAULT_FENCEPOST = '25%';

/** `value` as a count of `total`; percentages rounded up or down. Throws on a malformed value. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  const v = value ?? DEFAULT_FENCEPOST;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new TypeError(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * maxSurge (rounded up) and maxUnavailable (rounded down) for `replicas`;
 * when both come out 0 maxUnavailable is 1, so a rollout can always move
 * (`ResolveFenceposts`).
 */
export function resolveFenceposts(
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  replicas: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** What a step of the rolling update reads: the desired size and each ReplicaSet's counts. */
export interface RolloutState {
  /** spec.replicas of the Deployment. */
  replicas: number;
  surge: number;
  unavailable: number;
  /** spec.replicas of the new ReplicaSet. */
  newReplicas: number;
  /** status.availableReplicas of the new ReplicaSet. */
  newAvailable: number;
  /** The old ReplicaSets, oldest first. */
  old: Array<{ replicas: number; available: number }>;
}

/**
 * The new ReplicaSet's size after this step (`NewRSNewReplicas`): grow
 * while all ReplicaSets together stay within replicas + maxSurge; shrink
 * straight to the desired size.
 */
export function newReplicaSetSize(s: RolloutState): number {
  if (s.newReplicas >= s.replicas) return s.replicas;
  const current = s.newReplicas + s.old.reduce((n, rs) => n + rs.replicas, 0);
  const room = s.replicas + s.surge - current;
  if (room <= 0) return s.newReplicas;
  return s.newReplicas + Math.min(room, s.replicas - s.newReplicas);
}

/**
 * The old ReplicaSets' sizes after this step (`reconcileOldReplicaSets`):
 * first drop their unavailable pods, then available ones (oldest first)
 * while at least replicas - maxUnavailable stay available, counting the
 * new ReplicaSet's pods that are not available yet against the budget.
 */
export function oldReplicaSetSizes(s: RolloutState): number[] {
  const sizes = s.old.map((rs) => rs.replicas);
  const all = s.newReplicas + sizes.reduce((n, r) => n + r, 0);
  const minAvailable = s.replicas - s.unavailable;
  const newUnavailable = Math.max(0, s.newReplicas - s.newAvailable);
  let budget = all - minAvailable - newUnavailable;
  if (budget <= 0) return sizes;
  // Unhealthy pods first: removing them costs no availability.
  for (let i = 0; i < sizes.length && budget > 0; i++) {
    const unhealthy = Math.max(0, sizes[i]! - s.old[i]!.available);
    const cut = Math.min(unhealthy, budget);
    sizes[i] = sizes[i]! - cut;
    budget -= cut;
  }
  let available =
    s.newAvailable + s.old.reduce((n, rs, i) => n + Math.min(rs.available, sizes[i]!), 0);
  for (let i = 0; i < sizes.length && available > minAvailable; i++) {
    const cut = Math.min(sizes[i]!, available - minAvailable);
    sizes[i] = sizes[i]! - cut;
    available -= cut;
  }
  return sizes;
}
