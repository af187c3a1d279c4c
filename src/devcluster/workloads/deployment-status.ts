/**
 * A Deployment's status as kube-controller-manager writes it: counts summed
 * over its ReplicaSets and the conditions `kubectl rollout status` and
 * `describe` read (Available, Progressing with NewReplicaSetAvailable once
 * the rollout is complete). A condition keeps its times while it does not
 * change, so an unchanged status is not written again.
 */
import { isRecord, timestamp, type KubeObject } from '../object.js';
import { desiredReplicas, statusCount, statusOf } from './owners.js';

/** A Deployment condition (apps/v1 DeploymentCondition). */
interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** What the status is computed from. */
export interface StatusInput {
  deployment: KubeObject;
  newRS: KubeObject;
  all: KubeObject[];
  /** maxUnavailable resolved for the Deployment's size. */
  unavailable: number;
  now: Date;
}

/** Sets `next` among `conditions`, keeping the times when nothing about it changed. */
function withCondition(conditions: Condition[], next: Condition, now: string): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const same = old && old.status === next.status && old.reason === next.reason;
  const unchanged = same && old.message === next.message;
  const c: Condition = {
    ...next,
    lastUpdateTime: unchanged ? (old.lastUpdateTime ?? now) : now,
    lastTransitionTime: old && old.status === next.status ? (old.lastTransitionTime ?? now) : now,
  };
  return [...conditions.filter((x) => x.type !== next.type), c];
}

/** The Available condition: at least replicas - maxUnavailable available. */
function available(ok: boolean): Condition {
  return ok
    ? {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      }
    : {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      };
}

/** The Progressing condition; NewReplicaSetAvailable is what `kubectl rollout status` waits for. */
function progressing(complete: boolean, rsName: string): Condition {
  return complete
    ? {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      }
    : {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        message: `ReplicaSet "${rsName}" is progressing.`,
      };
}

/** The status the Deployment should carry now. */
export function deploymentStatus(i: StatusInput): Record<string, unknown> {
  const d = i.deployment;
  const sum = (f: string): number => i.all.reduce((n, rs) => n + statusCount(rs, f), 0);
  const replicas = sum('replicas');
  const updatedReplicas = statusCount(i.newRS, 'replicas');
  const availableReplicas = sum('availableReplicas');
  const desired = desiredReplicas(d);
  const complete =
    updatedReplicas === desired && replicas === desired && availableReplicas === desired;
  const now = timestamp(i.now);
  const previous = statusOf(d).conditions;
  let conditions = (Array.isArray(previous)
    ? previous.filter(isRecord)
    : []) as unknown as Condition[];
  conditions = withCondition(
    conditions,
    available(availableReplicas >= desired - i.unavailable),
    now,
  );
  conditions = withCondition(conditions, progressing(complete, i.newRS.metadata.name), now);
  // Available first, then Progressing, as kube-controller-manager lists them.
  conditions.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
  return {
    observedGeneration: d.metadata.generation ?? 1,
    replicas,
    updatedReplicas,
    readyReplicas: sum('readyReplicas'),
    availableReplicas,
    unavailableReplicas: Math.max(0, desired - availableReplicas),
    conditions,
  };
}
