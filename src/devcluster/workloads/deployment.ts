/**
 * The Deployment controller: one ReplicaSet per pod template
 * (`<deployment>-<hash>`, revision annotation one past the highest), rolled
 * by RollingUpdate (rollout.ts) or Recreate, ReplicaSets past
 * revisionHistoryLimit removed, status written (deployment-status.ts).
 * Each pass is one step; the ReplicaSets' status changes bring the next.
 */
import type { ObjectApi } from '../api.js';
import { clone, isRecord, type KubeObject } from '../object.js';
import type { ResourceType } from '../resources.js';
import { deploymentStatus } from './deployment-status.js';
import { HASH_LABEL, podTemplateHash, sameTemplate } from './hash.js';
import { controllerRef, controls, desiredReplicas, specOf, statusCount } from './owners.js';
import { podsOf, type WorkloadTypes } from './replicaset.js';
import { newReplicaSetSize, oldReplicaSetSizes, resolveFenceposts } from './rollout.js';

/** The annotation carrying a ReplicaSet's (and its Deployment's) revision. */
export const REVISION = 'deployment.kubernetes.io/revision';

/** Names tried for a new ReplicaSet before giving up (a taken name means another template). */
const MAX_COLLISIONS = 10;

/** Old ReplicaSets kept for `rollout undo` when the Deployment does not say. */
const DEFAULT_HISTORY = 10;

/** The revision of a ReplicaSet, 0 when it has none. */
export function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function replicaSetsOf(api: ObjectApi, t: WorkloadTypes, d: KubeObject): KubeObject[] {
  const ns = d.metadata.namespace ?? '';
  return [...api.store.collection(t.replicaSets.storageKey).list(ns)]
    .filter((rs) => controls(d, rs) && !rs.metadata.deletionTimestamp)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
}

/** A new ReplicaSet for the Deployment's current template. */
function newReplicaSet(
  d: KubeObject,
  o: { revision: number; replicas: number; collisions: number },
): KubeObject {
  const { revision, replicas } = o;
  const spec = specOf(d);
  const template = clone(isRecord(spec.template) ? spec.template : {});
  const hash = podTemplateHash(template, o.collisions);
  const meta = isRecord(template.metadata) ? template.metadata : {};
  const labels = { ...(isRecord(meta.labels) ? meta.labels : {}), [HASH_LABEL]: hash };
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      labels,
      annotations: { [REVISION]: String(revision) },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas,
      selector: { ...selector, matchLabels: { ...matchLabels, [HASH_LABEL]: hash } },
      template: { ...template, metadata: { ...meta, labels } },
    },
  };
}

/** Writes `change` of the stored object (the server's own update, no field manager). */
function write(
  api: ObjectApi,
  t: ResourceType,
  obj: KubeObject,
  change: (o: KubeObject) => KubeObject,
): KubeObject {
  const ns = obj.metadata.namespace ?? '';
  const current = api.store.collection(t.storageKey).get(ns, obj.metadata.name) ?? obj;
  return api.update(t, ns, obj.metadata.name, change(current), api.context());
}

/** Sets a ReplicaSet's spec.replicas (no write when it has that size). */
function scale(api: ObjectApi, t: WorkloadTypes, rs: KubeObject, replicas: number): KubeObject {
  if (desiredReplicas(rs) === replicas) return rs;
  return write(api, t.replicaSets, rs, (o) => ({ ...o, spec: { ...specOf(o), replicas } }));
}

/** Sets the revision annotation (no write when it has that revision). */
function annotate(api: ObjectApi, t: ResourceType, obj: KubeObject, revision: number): KubeObject {
  if (obj.metadata.annotations?.[REVISION] === String(revision)) return obj;
  return write(api, t, obj, (o) => ({
    ...o,
    metadata: {
      ...o.metadata,
      annotations: { ...o.metadata.annotations, [REVISION]: String(revision) },
    },
  }));
}

/** The ReplicaSet of the current template, created or re-revisioned (after an undo) as needed. */
function currentReplicaSet(
  api: ObjectApi,
  t: WorkloadTypes,
  d: KubeObject,
  all: KubeObject[],
): KubeObject {
  const top = all.reduce((n, rs) => Math.max(n, revisionOf(rs)), 0);
  const found = all.find((rs) => sameTemplate(specOf(rs).template, specOf(d).template));
  if (found)
    return revisionOf(found) === top ? found : annotate(api, t.replicaSets, found, top + 1);
  // The first ReplicaSet starts at full size; later ones grow by the strategy.
  const initial = all.length === 0 ? desiredReplicas(d) : 0;
  const ns = d.metadata.namespace ?? '';
  const coll = api.store.collection(t.replicaSets.storageKey);
  // A name taken by a ReplicaSet of another template: hash again, as kube's collisionCount does.
  let collisions = 0;
  let rs = newReplicaSet(d, { revision: top + 1, replicas: initial, collisions });
  while (coll.get(ns, rs.metadata.name) && collisions < MAX_COLLISIONS)
    rs = newReplicaSet(d, { revision: top + 1, replicas: initial, collisions: ++collisions });
  return api.create(t.replicaSets, ns, rs, api.context());
}

/** One step of RollingUpdate: grow the new ReplicaSet, then shrink the old ones. */
function rollingStep(
  api: ObjectApi,
  t: WorkloadTypes,
  d: KubeObject,
  newRS: KubeObject,
  old: KubeObject[],
): KubeObject {
  const fence = fenceposts(d);
  const state = () => ({
    replicas: desiredReplicas(d),
    ...fence,
    newReplicas: desiredReplicas(newRS),
    newAvailable: statusCount(newRS, 'availableReplicas'),
    old: old.map((rs) => ({
      replicas: desiredReplicas(rs),
      available: statusCount(rs, 'availableReplicas'),
    })),
  });
  newRS = scale(api, t, newRS, newReplicaSetSize(state()));
  oldReplicaSetSizes(state()).forEach((size, i) => scale(api, t, old[i]!, size));
  return newRS;
}

/** One step of Recreate: all old pods gone before the new ReplicaSet grows. */
function recreateStep(
  api: ObjectApi,
  t: WorkloadTypes,
  d: KubeObject,
  newRS: KubeObject,
  old: KubeObject[],
): KubeObject {
  for (const rs of old) scale(api, t, rs, 0);
  if (old.some((rs) => podsOf(api, t, rs).length > 0)) return newRS;
  return scale(api, t, newRS, desiredReplicas(d));
}

/** maxSurge and maxUnavailable of the Deployment, resolved (0 and 0 for Recreate). */
function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const s = specOf(d).strategy;
  const strategy = isRecord(s) ? s : {};
  if (strategy.type === 'Recreate') return { surge: 0, unavailable: desiredReplicas(d) };
  const ru = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  return resolveFenceposts(
    ru.maxSurge as string | number | undefined,
    ru.maxUnavailable as string | number | undefined,
    desiredReplicas(d),
  );
}

/** Deletes old ReplicaSets scaled to zero beyond revisionHistoryLimit, oldest first. */
function cleanup(api: ObjectApi, t: WorkloadTypes, d: KubeObject, old: KubeObject[]): void {
  const limit = specOf(d).revisionHistoryLimit;
  const keep = typeof limit === 'number' ? limit : DEFAULT_HISTORY;
  const idle = old.filter((rs) => desiredReplicas(rs) === 0 && podsOf(api, t, rs).length === 0);
  for (const rs of idle.slice(0, Math.max(0, idle.length - keep)))
    api.delete(t.replicaSets, rs.metadata.namespace ?? '', rs.metadata.name, {}, api.context());
}

/** Runs one step of Deployment `ns/name`'s rollout and writes its status. */
export function reconcileDeployment(
  api: ObjectApi,
  t: WorkloadTypes,
  ns: string,
  name: string,
): void {
  let d = api.store.collection(t.deployments.storageKey).get(ns, name);
  if (!d || d.metadata.deletionTimestamp) return;
  const all = replicaSetsOf(api, t, d);
  let newRS = currentReplicaSet(api, t, d, all);
  const old = all.filter((rs) => rs.metadata.uid !== newRS.metadata.uid);
  const strategy = specOf(d).strategy;
  const recreate = isRecord(strategy) && strategy.type === 'Recreate';
  if (!specOf(d).paused) newRS = (recreate ? recreateStep : rollingStep)(api, t, d, newRS, old);
  cleanup(api, t, d, old);
  d = annotate(api, t.deployments, d, revisionOf(newRS));
  const status = deploymentStatus({
    deployment: d,
    newRS,
    all: replicaSetsOf(api, t, d),
    unavailable: fenceposts(d).unavailable,
    now: api.clock(),
  });
  const current = api.store.collection(t.deployments.storageKey).get(ns, name) ?? d;
  api.update(
    t.deployments,
    ns,
    name,
    { ...current, status },
    api.context({ subresource: 'status' }),
  );
}
