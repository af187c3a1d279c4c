/**
 * Garbage collection of the workload kinds, as kube-controller-manager's
 * garbage collector does it with background propagation (what `kubectl
 * delete` asks for): once a Deployment is gone its ReplicaSets are deleted,
 * once a ReplicaSet is gone its pods. Only these owners are followed, so
 * deleting anything else costs nothing.
 */
import type { ObjectApi } from '../api.js';
import type { KubeObject } from '../object.js';
import type { ResourceType } from '../resources.js';

/** Deletes the objects of `dependents` in `owner`'s namespace that name it as an owner. */
export function collectDependents(
  api: ObjectApi,
  owner: KubeObject,
  dependents: ResourceType,
): void {
  const ns = owner.metadata.namespace ?? '';
  const uid = owner.metadata.uid;
  const owned = [...api.store.collection(dependents.storageKey).list(ns)].filter(
    (o) =>
      !o.metadata.deletionTimestamp &&
      (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid),
  );
  for (const o of owned) {
    try {
      api.delete(dependents, ns, o.metadata.name, {}, api.context());
    } catch {
      // Already gone (a namespace sweep got there first): nothing left to collect.
    }
  }
}
